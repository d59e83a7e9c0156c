/** Flux presets for IoT Center's views and the shaping of their results for dashboards. */
export * from './duration';
export * from './errors';
export * from './preset-request';
export * from './presets';
export * from './shape';
