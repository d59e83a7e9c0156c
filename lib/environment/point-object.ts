/**
 * The point object that `iot-write` accepts and `virtual-device` emits, in the shape Node-RED users
 * already know from node-red-contrib-influxdb-v2: `{measurement, tags, fields, timestamp}`.
 */

/** A field value whose line-protocol type is stated, e.g. `{type: 'int', value: 1200}` for `CO2=1200i`. */
export type TypedFieldValue =
  | { type: 'int'; value: number }
  | { type: 'uint'; value: number }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string };

/** A bare number is a float, as in line protocol; use `{type: 'int', value}` for an integer field. */
export type FieldValue = number | string | boolean | TypedFieldValue;

/** Milliseconds since the epoch, a Date, or an ISO 8601 / RFC 3339 text. */
export type PointTimestamp = number | Date | string;

export interface PointObject {
  measurement: string;
  tags?: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Omitted: the server's (or the writer's) current time. */
  timestamp?: PointTimestamp;
}
