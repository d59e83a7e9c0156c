import type { Node, NodeDef } from 'node-red';

export interface WriteDef extends NodeDef {
  influxdb: string;
  /** Overrides the config node's bucket when set. */
  bucket: string;
  measurement: string;
  precision: 'ns' | 'us' | 'ms' | 's';
  batchSize: number | string;
  /** ms */
  flushInterval: number | string;
  clientId: string;
  clientIdType: string;
  /** Send msg on, with msg.write = {accepted, errors}, once the points are buffered. */
  forward: boolean;
}

export type WriteNode = Node;
