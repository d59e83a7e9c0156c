/** Types of the `iot-influxdb` config node, for the nodes that use it (`RED.nodes.getNode(config.influxdb)`). */
import type { Node, NodeDef } from 'node-red';
import type { InfluxConnection } from '../../lib/connection/influx-connection';

/** What the editor saves in the flow (never the token). */
export interface InfluxConfigDef extends NodeDef {
  url: string;
  org: string;
  bucket: string;
  /** Request timeout in seconds. */
  timeout: number | string;
  /** Verify the server's TLS certificate. */
  rejectUnauthorized: boolean;
  /** Optional path of a PEM CA file. */
  caFile: string;
  /** Where the token comes from: the credential, or an environment variable. */
  tokenSource: 'cred' | 'env';
  /** Name of the environment variable that holds the token (`INFLUX_TOKEN` or `${INFLUX_TOKEN}`). */
  tokenEnv: string;
  /** Seconds between health checks; 0 = at start only. */
  healthInterval: number | string;
  /** Seconds between app health points (`iot_center_app`); blank or 0 = off. */
  appHealthInterval?: number | string;
  /** Bucket of the app health points; blank = `bucket`. */
  appHealthBucket?: string;
}

export interface InfluxCredentials {
  token?: string;
}

export interface InfluxConfigNode extends Node<InfluxCredentials> {
  connection: InfluxConnection;
}
