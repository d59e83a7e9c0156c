/**
 * Node-RED glue of `iot-query`: runs a preset, the node's Flux or msg.query against the config node's
 * InfluxDB and sends the rows in the chosen shape. Query building, row streaming and shaping (in slices,
 * so that a large result leaves the runtime responsive) live in lib/query and query-request.ts; this file
 * maps settings and messages to them.
 */
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { isOutputFormat, type OutputFormat, queryFailure, queryShaped, rawRangeAdvice } from '../../lib/query';
import type { InfluxConfigNode } from '../iot-influxdb/types';
import { downsampledBuckets } from './downsampled-buckets';
import { registerEditorApi } from './editor-api';
import { GAUGE_MODES, type GaugeMode, outputMessages } from './output-messages';
import { evaluateProperty } from '../shared/property';
import { statusText, toError } from '../shared/to-error';
import { shortStatus } from '../shared/status';
import { buildQuery, DEFAULT_ROW_LIMIT, type ParameterName, PARAMETERS, scanOf } from './query-request';
import type { IotQueryDef } from './types';

export = function (RED: NodeAPI): void {
  function IotQuery(this: Node, config: IotQueryDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const influx = config.influxdb ? (RED.nodes.getNode(config.influxdb) as InfluxConfigNode | null) : null;
    const format: OutputFormat = isOutputFormat(config.format) ? config.format : 'rows';
    const gaugeMode: GaugeMode = GAUGE_MODES.find((mode) => mode === config.gaugeMode) ?? 'perField';
    const limitSetting =
      config.rowLimit === '' || config.rowLimit === undefined ? DEFAULT_ROW_LIMIT : Number(config.rowLimit);
    const rowLimit = Number.isInteger(limitSetting) && limitSetting >= 0 ? limitSetting : undefined;
    let closed = false;
    /** Downsampled buckets this node has already named in a warning: one warning each. */
    const advised = new Set<string>();

    const fail = (text: string): void => {
      if (!closed) node.status(shortStatus({ fill: 'red', shape: 'ring', text }));
    };
    if (!influx) fail(RED._('iot-query.status.no-config'));
    else if (rowLimit === undefined) fail(RED._('iot-query.errors.row-limit', { value: String(config.rowLimit) }));

    /** The node's parameter settings, evaluated against the message (typedInput: str, msg, flow, global, env, json). */
    async function settings(msg: NodeMessage): Promise<Partial<Record<ParameterName, unknown>>> {
      const values: Partial<Record<ParameterName, unknown>> = {};
      for (const name of PARAMETERS) {
        const value = config[name];
        if (typeof value !== 'string' || value === '') continue;
        values[name] = await evaluateProperty(RED, node, value, config[`${name}Type`] || 'str', msg);
      }
      return values;
    }

    node.on('input', async (message, send, done) => {
      const msg = message as NodeMessage;
      try {
        if (!influx) throw new Error(RED._('iot-query.errors.no-config'));
        if (rowLimit === undefined)
          throw new Error(RED._('iot-query.errors.row-limit', { value: String(config.rowLimit) }));
        const connection = influx.connection;
        const input = {
          source: config.source || 'preset',
          preset: config.preset,
          flux: config.flux ?? '',
          settings: await settings(msg),
          fn: config.fn ?? '',
          defaultBucket: connection.bucket,
          msg,
        };
        const query = buildQuery(input);
        // Read at each query (a walk over the deployed flow): a redeploy of other nodes may add or remove one.
        const advice = rawRangeAdvice(scanOf(input), downsampledBuckets(RED, influx.id, connection.bucket));
        node.status({ fill: 'blue', shape: 'dot', text: RED._('iot-query.status.querying') });
        const started = Date.now();
        // Shaped as the rows stream in, in slices: a large result does not hold the runtime (issue 16).
        const { shaped, rows } = await queryShaped(connection.queryApi(), query, { format, rowLimit }).then(
          (result) => {
            connection.recordQuery(Date.now() - started, true);
            return result;
          },
          (e: unknown) => {
            connection.recordQuery(Date.now() - started, false);
            return Promise.reject(queryFailure(e));
          },
        );
        const outputs = outputMessages(shaped, gaugeMode);
        const ms = Date.now() - started;
        if (closed) return done();
        const parts = format === 'tables' ? { id: RED.util.generateId(), count: outputs.length } : undefined;
        const messages = outputs.map((properties, index) => ({
          ...msg,
          ...properties,
          ...(parts ? { parts: { id: parts.id, index, count: parts.count } } : {}),
        }));
        if (messages.length > 0) send([messages]);
        if (advice) {
          const bucket = advice.downsampledBucket;
          node.status(
            shortStatus({
              fill: 'yellow',
              shape: 'dot',
              text: RED._('iot-query.status.raw-range', { days: advice.days, bucket }),
            }),
          );
          if (!advised.has(bucket)) {
            advised.add(bucket);
            node.warn(
              RED._('iot-query.log.raw-range', {
                days: advice.days,
                raw: advice.bucket,
                bucket,
                every: advice.every ?? '',
              }),
            );
          }
        } else {
          node.status({ fill: 'green', shape: 'dot', text: RED._('iot-query.status.done', { rows, ms }) });
        }
        done();
      } catch (e) {
        const error = toError(e);
        fail(statusText(error));
        done(error);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      done();
    });
  }

  RED.nodes.registerType('iot-query', IotQuery);
  // The Flux editor's schema lists and "Run" (editor-api.ts).
  registerEditorApi(RED);
};
