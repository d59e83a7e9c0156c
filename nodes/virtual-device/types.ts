/** The virtual-device node's settings as the editor saves them (all texts: Node-RED stores form values). */
import type { Node, NodeDef } from 'node-red';

export interface VirtualDeviceDef extends NodeDef {
  deviceId: string;
  /** typedInput type of `deviceId`: str, msg, flow, global, env. */
  deviceIdType: string;
  /** Empty: unseeded noise, like IoT Center's Math.random. */
  seed: string;
  /** Seconds between live points; IoT Center's `measurement_interval` default is 60. */
  interval: string | number;
  /** `builtIn` (the Prague loop) or `file` (a JSON array of [lat, lon] points). */
  track: string;
  trackFile: string;
  autoStart: boolean;
  /** Optional iot-influxdb config node id: with one, backfill asks InfluxDB which minutes are missing. */
  influxdb: string;
}

export type VirtualDeviceNode = Node;
