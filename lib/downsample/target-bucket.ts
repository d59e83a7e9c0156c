/**
 * The target bucket of a downsampling: created when missing, with the retention of the node's form; an
 * existing bucket gets that retention too, so that changing the form and redeploying takes effect.
 */
import { HttpError, type InfluxDB } from '@influxdata/influxdb-client';
import { BucketsAPI, type Bucket } from '@influxdata/influxdb-client-apis';

export type BucketAction = 'created' | 'updated' | 'unchanged';

export async function ensureTargetBucket(
  influx: InfluxDB,
  orgID: string,
  name: string,
  retentionSeconds: number,
): Promise<BucketAction> {
  const api = new BucketsAPI(influx);
  const found = await findBucket(api, orgID, name);
  const retentionRules = [{ type: 'expire' as const, everySeconds: retentionSeconds }];
  if (!found) {
    await api.postBuckets({ body: { orgID, name, retentionRules } });
    return 'created';
  }
  if (retentionOf(found) === retentionSeconds || found.id === undefined) return 'unchanged';
  await api.patchBucketsID({ bucketID: found.id, body: { retentionRules } });
  return 'updated';
}

/** Seconds; 0 (forever) when the bucket has no expire rule. */
function retentionOf(bucket: Bucket): number {
  return bucket.retentionRules.find((rule) => rule.type === 'expire')?.everySeconds ?? 0;
}

/** InfluxDB OSS answers 404 for a bucket name it does not know; Cloud an empty list. */
async function findBucket(api: BucketsAPI, orgID: string, name: string): Promise<Bucket | undefined> {
  try {
    return (await api.getBuckets({ orgID, name })).buckets?.find((b) => b.name === name);
  } catch (e) {
    if (e instanceof HttpError && e.statusCode === 404) return undefined;
    throw e;
  }
}
