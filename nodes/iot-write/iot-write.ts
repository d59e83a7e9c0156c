/**
 * `iot-write`: points (an object, an array, or line protocol text) into the config node's shared write
 * pipeline — batched, retried, spooled on disk. `done()` once the points are buffered; `done(err)` names
 * each refused point while the good ones still go.
 */
import type { NodeAPI, NodeMessage, NodeStatus } from 'node-red';
import type { WritePipeline } from '../../lib/write/pipeline';
import type { CircuitNotice, FailedLines } from '../../lib/write/pipeline';
import type { Precision } from '../../lib/write/timestamp';
import type { InfluxConfigNode } from '../iot-influxdb/types';
import { refusalMessage, writeStatus } from './controller';
import { Throttle } from './throttle';
import type { WriteDef, WriteNode } from './types';
import { evaluateProperty } from '../shared/property';
import { statusText, toError } from '../shared/to-error';
import { shortStatus } from '../shared/status';
import { absent, parseWriteRequest } from './write-request';

/** Status changes at most this often (a busy pipeline reports every batch). */
const STATUS_INTERVAL_MS = 250;
const PRECISIONS: readonly Precision[] = ['ns', 'us', 'ms', 's'];

export = function (RED: NodeAPI) {
  function IotWriteNode(this: WriteNode, config: WriteDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const influx = RED.nodes.getNode(config.influxdb) as InfluxConfigNode | null;
    const connection = influx?.connection;
    const measurement = (config.measurement ?? '').trim() || 'environment';
    const precision: Precision = PRECISIONS.includes(config.precision) ? config.precision : 'ms';

    let pipeline: WritePipeline | undefined;
    let setupError: Error | undefined;
    if (!connection) {
      setupError = new Error(RED._('iot-write.errors.no-config'));
      node.status({ fill: 'red', shape: 'ring', text: RED._('iot-write.status.no-config') });
    } else {
      try {
        // Made now, not on the first msg: what a previous run left in the spool goes out at once.
        pipeline = connection.pipeline({
          bucket: (config.bucket ?? '').trim() || undefined,
          precision,
          measurement,
          batchSize: positive(config.batchSize),
          flushInterval: zeroOrMore(config.flushInterval),
        });
      } catch (e) {
        setupError = e instanceof Error ? e : new Error(String(e));
        node.status({ fill: 'red', shape: 'ring', text: statusText(setupError) });
      }
    }

    // Status: counts of the shared pipeline, red while it retries; throttled, the latest always shown.
    // The config node logs why; the status only says so.
    let unhealthy = false;
    const render = (): NodeStatus => {
      if (!pipeline) return {};
      const view = writeStatus(pipeline.stats, Date.now());
      if (view.shape === 'dot' && unhealthy) {
        return { fill: 'red', shape: 'ring', text: RED._('iot-write.status.unhealthy', view.vars) };
      }
      return { fill: view.fill, shape: view.shape, text: RED._(view.key, view.vars) };
    };
    const statusThrottle = new Throttle(() => node.status(shortStatus(render())), STATUS_INTERVAL_MS);
    const updateStatus = (): void => statusThrottle.trigger();

    // The log hears of an outage when the circuit opens and of its end when it closes, once each; the
    // status carries the short form meanwhile.
    const onStats = (): void => updateStatus();
    const onRetry = (): void => updateStatus();
    const onCircuit = (change: CircuitNotice): void => {
      const buffered = pipeline?.stats.buffered ?? 0;
      if (change.state === 'open') {
        const message = change.error?.message ?? '';
        node.warn(RED._('iot-write.log.paused', { failures: change.failures, buffered, message }));
      } else {
        node.log(RED._('iot-write.log.resumed', { seconds: Math.round(change.openMs / 1000), buffered }));
      }
      updateStatus();
    };
    const onFailed = (failed: FailedLines): void => {
      const first = failed.lines[0];
      node.warn(
        RED._('iot-write.log.failed', {
          count: failed.count,
          message: failed.error.message,
          example: first ? `${first.line} (${first.reason})` : '',
        }),
      );
    };
    // Without a pipeline the status already says why; health adds nothing to it.
    const unsubscribeHealth = pipeline
      ? connection?.onHealth((health) => {
          unhealthy = health.status === 'fail';
          updateStatus();
        })
      : undefined;
    if (pipeline) {
      const p = pipeline;
      p.on('stats', onStats);
      p.on('retry', onRetry);
      p.on('circuit', onCircuit);
      p.on('failed', onFailed);
      const wanted = { batchSize: positive(config.batchSize), flushInterval: zeroOrMore(config.flushInterval) };
      if (
        (wanted.batchSize !== undefined && wanted.batchSize !== p.options.batchSize) ||
        (wanted.flushInterval !== undefined && wanted.flushInterval !== p.options.flushInterval)
      ) {
        node.warn(
          RED._('iot-write.log.shared', {
            bucket: p.options.bucket,
            precision,
            batchSize: p.options.batchSize,
            flushInterval: p.options.flushInterval,
          }),
        );
      }
      updateStatus();
    }

    const evaluate = (value: string, type: string, msg: NodeMessage): Promise<unknown> =>
      evaluateProperty(RED, node, value, type, msg);

    node.on('input', async (inMsg, send, done) => {
      const msg = inMsg as NodeMessage & {
        measurement?: unknown;
        deviceId?: unknown;
        flush?: unknown;
        write?: unknown;
      };
      if (!pipeline) {
        node.status({
          fill: 'red',
          shape: 'ring',
          text: setupError ? statusText(setupError) : RED._('iot-write.status.no-config'),
        });
        done(setupError ?? new Error(RED._('iot-write.errors.no-config')));
        return;
      }
      try {
        // An empty clientId setting means no default tag (an empty msg property path would not evaluate).
        const property = config.clientId ?? 'deviceId';
        const clientId = !absent(msg.deviceId)
          ? msg.deviceId
          : property === ''
            ? undefined
            : await evaluate(property, config.clientIdType || 'msg', msg);
        const request = parseWriteRequest(msg, clientId);
        const { persisted, ...result } = pipeline.writeGrouped(msg.payload, {
          measurement: request.measurement ?? measurement,
          defaultTags: request.clientId === undefined ? {} : { clientId: request.clientId },
        });
        updateStatus();
        // The msg goes on (and is done) once its points are in the spool, with those of the whole burst.
        await persisted;
        if (config.forward !== false) {
          msg.write = result;
          send(msg);
        }
        const refused = result.errors.length > 0 ? new Error(refusalMessage(msg.payload, result)) : undefined;
        // msg.flush: send what is buffered now (the good points of a msg with refused ones too) and finish
        // when it is written or cannot be yet; the refusal is the error that matters then.
        if (request.flush) {
          await pipeline.flush().catch((e: unknown) => {
            if (!refused) throw e;
          });
        }
        done(refused);
      } catch (e) {
        const error = toError(e);
        node.status({ fill: 'red', shape: 'ring', text: statusText(error) });
        done(error);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      statusThrottle.stop();
      unsubscribeHealth?.();
      if (pipeline) {
        pipeline.off('stats', onStats);
        pipeline.off('retry', onRetry);
        pipeline.off('circuit', onCircuit);
        pipeline.off('failed', onFailed);
      }
      done();
    });
  }

  RED.nodes.registerType('iot-write', IotWriteNode);
};

function positive(v: unknown): number | undefined {
  const n = Number(v);
  return v === '' || v === undefined || v === null || !Number.isFinite(n) || n <= 0 ? undefined : Math.floor(n);
}

function zeroOrMore(v: unknown): number | undefined {
  const n = Number(v);
  return v === '' || v === undefined || v === null || !Number.isFinite(n) || n < 0 ? undefined : n;
}
