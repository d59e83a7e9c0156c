import type { Node, NodeDef } from 'node-red';
import type { RegisterAction, RegisterFormat } from './controller';

export interface RegisterDef extends NodeDef {
  influxdb: string;
  action: RegisterAction;
  deviceId: string;
  deviceIdType: string;
  grantRead: boolean;
  registerOnGet: boolean;
  includeToken: boolean;
  /** Device config as an object, YAML text, or as the HTTP request asks. */
  format?: RegisterFormat;
}

export type RegisterNode = Node;
