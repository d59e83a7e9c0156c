/**
 * Names that exist in real Flux (v0.196) but not in the emulator, so that using one is reported as
 * "unsupported" rather than "undefined identifier": the query is valid Flux, the emulator is the limit.
 */
export const UNSUPPORTED_UNIVERSE = new Set([
  'bytes', 'chandeMomentumOscillator', 'cov', 'covariance',
  'display', 'doubleEMA', 'exponentialMovingAverage', 'findColumn',
  'findRecord', 'getColumn', 'getRecord', 'highestAverage', 'highestCurrent', 'highestMax', 'histogram',
  'histogramQuantile', 'holtWinters', 'hourSelection', 'integral', 'join', 'kaufmansAMA',
  'kaufmansER', 'keyValues', 'linearBins', 'logarithmicBins', 'lowestAverage', 'lowestCurrent', 'lowestMin',
  'mode', 'movingAverage', 'pearsonr', 'reduce', 'relativeStrengthIndex', 'sample', 'skew', 'sleep',
  'stateCount', 'stateDuration', 'tableFind', 'timedMovingAverage', 'timeWeightedAvg', 'to',
  'today', 'tripleEMA', 'tripleExponentialDerivative', 'truncateTimeColumn', 'location',
]);

export const KNOWN_PACKAGES = new Set([
  'array', 'bitwise', 'contrib', 'date', 'date/boundaries', 'dict', 'experimental', 'experimental/aggregate',
  'experimental/array', 'experimental/bigtable', 'experimental/bitwise', 'experimental/csv', 'experimental/geo',
  'experimental/http', 'experimental/http/requests', 'experimental/influxdb', 'experimental/iox',
  'experimental/json', 'experimental/mqtt', 'experimental/oee', 'experimental/prometheus', 'experimental/query',
  'experimental/record', 'experimental/table', 'experimental/usage', 'generate', 'http', 'http/requests',
  'influxdata/influxdb/monitor', 'influxdata/influxdb/sample', 'influxdata/influxdb/secrets',
  'influxdata/influxdb/tasks', 'internal/debug', 'interpolate', 'join', 'json', 'kafka', 'math', 'pagerduty',
  'planner', 'profiler', 'pushbullet', 'regexp', 'runtime', 'sampledata', 'slack', 'socket', 'sql',
  'system', 'testing', 'timezone', 'types', 'universe',
]);
