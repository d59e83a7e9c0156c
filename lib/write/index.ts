/** The write pipeline behind `iot-write`: points → validated line protocol → durable buffer → InfluxDB. */
export { WritePipeline } from './pipeline';
export type { FailedLines, RetryNotice, WriteResult, WriteStats } from './pipeline';
export { DEFAULT_WRITE_PIPELINE_OPTIONS, realClock, resolveOptions } from './options';
export type { Clock, WritePipelineConfig, WritePipelineOptions } from './options';
export { DEFAULT_POINT_DEFAULTS, pointToLine, toLines } from './point';
export type {
  Conversion,
  FieldValue,
  InputError,
  PointDefaults,
  PointObject,
  PointTimestamp,
  TypedFieldValue,
  WriteInput,
} from './point';
export { WritePipelineError, writeError } from './errors';
export type { WriteError, WriteErrorCode } from './errors';
export type { Precision } from './timestamp';
export type { RecoveryReport } from './spool';
