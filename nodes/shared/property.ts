/** Evaluates a typedInput property (str, msg, flow, global, env, jsonata) the way Node-RED 4 needs it. */
import type { Node, NodeAPI, NodeMessage } from 'node-red';

/** Node-RED 4 needs the callback form for flow, global and jsonata values; this wraps it in a Promise. */
export function evaluateProperty(
  RED: NodeAPI,
  node: Node,
  value: string,
  type: string,
  msg: NodeMessage,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(value, type || 'str', node, msg, (err, result: unknown) => {
      if (err) reject(err);
      else resolve(result);
    });
  });
}
