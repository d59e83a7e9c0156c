/** The virtual device's domain: generator, GPS track, backfill planning and the point-object type. */
export * from './backfill';
export * from './built-in-track';
export * from './generator';
export * from './gps-track';
export * from './point-object';
export * from './random';
export * from './time';
