/**
 * What a Node-RED's editor would show in its sidebar: the runtime's comms websocket (`/comms`), subscribed to
 * the debug messages (debug nodes' output, and node errors and warnings, as the Debug sidebar gets them) and
 * node statuses. Node-RED ships `ws`; its comms speak JSON arrays of `{topic, data}`.
 */
import WebSocket from 'ws';

export interface DebugMessage {
  /** The debug node's id, or the failing node's for an error. */
  id: string;
  name?: string;
  /** 20 error, 30 warning; absent for a debug node's output. */
  level?: number;
  /** The msg (or the log text) as the editor receives it: a string. */
  msg: string;
  format?: string;
}

export interface NodeRedComms {
  debug: DebugMessage[];
  /** Each node's last status (`status/<id>` topics). */
  statuses: Map<string, { text?: string; fill?: string }>;
  close(): void;
}

export async function connectComms(editorUrl: string): Promise<NodeRedComms> {
  const socket = new WebSocket(`${editorUrl.replace(/^http/, 'ws')}/comms`);
  const comms: NodeRedComms = { debug: [], statuses: new Map(), close: () => socket.close() };
  socket.on('message', (data: WebSocket.RawData) => {
    const parsed = JSON.parse(data.toString()) as unknown;
    for (const { topic, data: payload } of (Array.isArray(parsed) ? parsed : [parsed]) as Array<{
      topic?: string;
      data?: unknown;
    }>) {
      if (topic === 'debug') comms.debug.push(payload as DebugMessage);
      else if (topic?.startsWith('status/')) comms.statuses.set(topic.slice(7), payload as { text?: string });
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  for (const topic of ['debug', 'status/#']) socket.send(JSON.stringify({ subscribe: topic }));
  return comms;
}
