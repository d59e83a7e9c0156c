/** Flux presets for IoT Center's views and the shaping of their results for dashboards. */
export * from './collect-rows';
export * from './duration';
export * from './errors';
export * from './flux-params';
export * from './preset-request';
export * from './presets';
export * from './query-failure';
export * from './query-shaped';
export * from './row-shaper';
export * from './shape';
export * from './slice-budget';
export * from './query-scan';
export * from './raw-range-advice';
