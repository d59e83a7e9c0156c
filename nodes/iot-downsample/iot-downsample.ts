/**
 * `iot-downsample`: keeps one InfluxDB task that aggregates a bucket into a downsampled one (and that
 * bucket), shows the task's last run, backfills the past on an input msg, and keeps the task when removed
 * unless told to delete it. The work is lib/downsample's Downsampler; this is the Node-RED glue.
 */
import type { NodeAPI, NodeMessage, NodeStatus } from 'node-red';
import { describeInfluxError } from '../../lib/connection/errors';
import { Downsampler, parseDownsampleOptions, type DownsampleState } from '../../lib/downsample';
import type { RunSummary } from '../../lib/downsample';
import { DEFAULT_BACKFILL_RANGE } from '../../lib/downsample/backfill';
import type { InfluxConfigNode } from '../iot-influxdb/types';
import { shortStatus } from '../shared/status';
import { toError } from '../shared/to-error';
import type { DownsampleDef, DownsampleNode } from './types';

export = function (RED: NodeAPI) {
  function IotDownsampleNode(this: DownsampleNode, config: DownsampleDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const show = (status: NodeStatus): void => node.status(shortStatus(status));
    const connection = (RED.nodes.getNode(config.influxdb) as InfluxConfigNode | null)?.connection;

    let downsampler: Downsampler | undefined;
    let problem: Error | undefined;
    if (!connection) problem = new Error(RED._('iot-downsample.errors.no-config'));
    else if (connection.problem) problem = connection.problem;
    else {
      try {
        const options = parseDownsampleOptions({
          sourceBucket: config.sourceBucket?.trim() ? config.sourceBucket : connection.bucket,
          targetBucket: config.targetBucket,
          retention: config.retention,
          every: config.every,
          offset: config.offset,
          measurement: config.measurement,
          fn: config.fn,
          fields: config.fields,
        });
        downsampler = new Downsampler({
          // Kept from the start: the config node's connection may close before this node on a redeploy.
          influx: connection.influxDB,
          org: connection.org,
          key: node.id,
          taskName: `${config.name?.trim() || 'downsample'} ${options.sourceBucket} to ${options.targetBucket}`,
          options,
          pollSeconds: Number(config.pollInterval),
          onState: (state) => show(statusOf(state)),
          describeError: (e, doing) => describeInfluxError(e, connection.url, doing),
        });
      } catch (e) {
        problem = toError(e);
      }
    }
    if (problem) {
      show({ fill: 'red', shape: 'ring', text: problem.message });
      node.error(problem.message);
    }
    downsampler?.start();

    node.on('input', async (inMsg, send, done) => {
      const msg = inMsg as NodeMessage & { range?: unknown };
      if (!downsampler) {
        done(problem ?? new Error(RED._('iot-downsample.errors.no-config')));
        return;
      }
      try {
        const range = msg.range ?? (config.backfillRange?.trim() || DEFAULT_BACKFILL_RANGE);
        const result = await downsampler.backfill(range);
        msg.payload = {
          taskID: result.taskID,
          start: result.start.toISOString(),
          stop: result.stop.toISOString(),
          points: result.points,
        };
        send(msg);
        done();
      } catch (e) {
        const error = toError(e);
        show({ fill: 'red', shape: 'ring', text: error.message });
        done(error);
      }
    });

    node.on('close', (removed: boolean, done: () => void) => {
      const deleting = removed === true && config.deleteOnRemove === true;
      void (async () => {
        try {
          const deleted = (await downsampler?.close(deleting)) ?? 0;
          if (deleting) node.log(RED._('iot-downsample.log.deleted', { count: deleted }));
        } catch (e) {
          node.warn(RED._('iot-downsample.log.delete-failed', { message: toError(e).message }));
        }
        done();
      })();
    });
  }

  function statusOf(state: DownsampleState): NodeStatus {
    switch (state.phase) {
      case 'syncing':
        return { fill: 'grey', shape: 'ring', text: RED._('iot-downsample.status.syncing') };
      case 'backfilling':
        return { fill: 'blue', shape: 'ring', text: RED._('iot-downsample.status.backfilling') };
      case 'failed':
        return { fill: 'red', shape: 'ring', text: state.error.message };
      case 'backfilled':
        return {
          fill: 'green',
          shape: 'dot',
          text: RED._('iot-downsample.status.backfilled', { count: state.points }),
        };
      case 'ready':
        // InfluxDB sets latestCompleted when it creates a task: only a run status says a run happened.
        return state.run.state === 'waiting'
          ? { fill: 'green', shape: 'ring', text: RED._(`iot-downsample.status.task-${state.task}`) }
          : runStatus(state.run);
    }
  }

  function runStatus(run: RunSummary): NodeStatus {
    const at = run.at ?? '';
    switch (run.state) {
      case 'success':
        return { fill: 'green', shape: 'dot', text: RED._('iot-downsample.status.run-ok', { at }) };
      case 'failed':
        return { fill: 'red', shape: 'dot', text: RED._('iot-downsample.status.run-failed', { at }) };
      case 'canceled':
        return { fill: 'yellow', shape: 'dot', text: RED._('iot-downsample.status.run-canceled', { at }) };
      case 'inactive':
        return { fill: 'grey', shape: 'dot', text: RED._('iot-downsample.status.inactive') };
      case 'waiting':
        return { fill: 'green', shape: 'ring', text: RED._('iot-downsample.status.task-unchanged') };
    }
  }

  RED.nodes.registerType('iot-downsample', IotDownsampleNode);
};
