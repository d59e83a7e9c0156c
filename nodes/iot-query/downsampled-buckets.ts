/**
 * The downsamplings iot-downsample nodes of the flow keep on one config node: read from the deployed flow
 * (RED.nodes.eachNode), so that iot-query can tell when a long raw range has a downsampled copy.
 */
import type { NodeAPI } from 'node-red';
import type { DownsampledBucket } from '../../lib/query';

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

export function downsampledBuckets(RED: NodeAPI, influxdbId: string, defaultBucket: string): DownsampledBucket[] {
  const found: DownsampledBucket[] = [];
  RED.nodes.eachNode((node) => {
    const def = node as typeof node & Record<string, unknown>;
    if (def.type !== 'iot-downsample' || def.d === true || def.influxdb !== influxdbId) return;
    const targetBucket = text(def.targetBucket);
    if (targetBucket === '') return;
    found.push({
      sourceBucket: text(def.sourceBucket) || defaultBucket,
      targetBucket,
      measurement: text(def.measurement) || 'environment',
      every: text(def.every) || '1h',
    });
  });
  return found;
}
