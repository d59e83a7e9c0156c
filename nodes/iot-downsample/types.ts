import type { Node, NodeDef } from 'node-red';

/** What the editor saves in the flow. */
export interface DownsampleDef extends NodeDef {
  influxdb: string;
  /** Blank: the config node's bucket. */
  sourceBucket: string;
  targetBucket: string;
  /** A duration such as `400d`; `0` or blank keeps points forever. */
  retention: string;
  every: string;
  offset: string;
  measurement: string;
  /** The aggregate of every field not named in `fields`. */
  fn: string;
  /** `CO2: max, TVOC: last`. */
  fields: string;
  /** How far back an input msg backfills when it names no `msg.range`, e.g. `-7d`. */
  backfillRange: string;
  /** Seconds between polls of the task's last run. */
  pollInterval: number | string;
  /** Delete the task when the node is removed (else it keeps running in InfluxDB). */
  deleteOnRemove: boolean;
}

export type DownsampleNode = Node;
