/** The iot-query node's settings as the editor saves them. */
import type { Node, NodeDef } from 'node-red';

export interface IotQueryDef extends NodeDef {
  influxdb: string;
  /** `preset`, `flux` (written in the node) or `msg` (msg.query). */
  source: string;
  preset: string;
  flux: string;
  bucket: string;
  bucketType: string;
  deviceId: string;
  deviceIdType: string;
  range: string;
  rangeType: string;
  every: string;
  everyType: string;
  fields: string;
  fieldsType: string;
  /** Aggregate of the downsampled preset; empty means mean. */
  fn: string;
  /** rows, tables, chart, dashboard2Chart, gauge */
  format: string;
  /** Gauge values: `perField` (one message per field) or `object` (one message, all fields). */
  gaugeMode: string;
  rowLimit: string | number;
}

export type IotQueryNode = Node;
