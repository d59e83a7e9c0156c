/** The virtual device's behaviour: commands, points, live mode, backfill planning and the controller. */
export * from './commands';
export * from './device-points';
export * from './live-ticker';
export * from './missing-data';
export * from './track-file';
export * from './virtual-device-controller';
