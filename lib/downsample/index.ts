/** Downsampling as an InfluxDB task: options, the task's Flux, the target bucket, the task itself, backfill. */
export * from './options';
export * from './flux';
export * from './target-bucket';
export * from './task-store';
export * from './backfill';
export * from './run-status';
export * from './downsampler';
