/**
 * Creating orgs and buckets with OSS's rules (tenant/service_org.go, tenant/service_bucket.go and the
 * storage engine's retention checks, v1/services/meta/data.go), shared by setup and the REST handlers.
 */
import { ApiError } from '../errors';
import { rfc3339Nano } from '../http/format';
import { newId } from '../ids';
import type { EmulatorState } from '../state';
import type { Bucket, Org } from '../storage/types';
import { bucketByName, orgByName, requireOrgById } from './lookup';

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Created with every org (OSS bucket.go): task logs kept 3 days, monitoring data 7 days. */
const SYSTEM_BUCKETS = [
  { name: '_tasks', retentionSeconds: 3 * DAY, description: 'System bucket for task logs' },
  { name: '_monitoring', retentionSeconds: 7 * DAY, description: 'System bucket for monitoring logs' },
];

export function nowStamp(state: EmulatorState): string {
  return rfc3339Nano(state.nowNs());
}

export function createOrg(state: EmulatorState, name: string, description = ''): Org {
  if (name.trim() === '') throw new ApiError('invalid', 'org name is empty');
  if (orgByName(state.meta, name)) throw new ApiError('conflict', `organization with name ${name} already exists`);
  const stamp = nowStamp(state);
  const org: Org = { id: newId(), name, description, createdAt: stamp, updatedAt: stamp };
  state.meta.orgs.put(org);
  for (const system of SYSTEM_BUCKETS) {
    state.meta.buckets.put({
      id: newId(),
      orgID: org.id,
      name: system.name,
      description: system.description,
      type: 'system',
      retentionSeconds: system.retentionSeconds,
      shardGroupDurationSeconds: defaultShardGroupSeconds(system.retentionSeconds),
      createdAt: stamp,
      updatedAt: stamp,
    });
  }
  return org;
}

export interface NewBucket {
  orgID: string;
  name: string;
  description?: string;
  retentionSeconds: number;
  shardGroupDurationSeconds: number;
}

/** Name rules, org, uniqueness, then the storage engine's retention rules — in OSS's order. */
export function createBucket(state: EmulatorState, input: NewBucket): Bucket {
  validateBucketName(input.name);
  requireOrgById(state.meta, input.orgID);
  if (bucketByName(state.meta, input.orgID, input.name)) {
    throw new ApiError('conflict', `bucket with name ${input.name} already exists`);
  }
  const durations = storageDurations(input.retentionSeconds, input.shardGroupDurationSeconds);
  const stamp = nowStamp(state);
  const bucket: Bucket = {
    id: newId(),
    orgID: input.orgID,
    name: input.name,
    type: 'user',
    ...durations,
    createdAt: stamp,
    updatedAt: stamp,
  };
  if (input.description) bucket.description = input.description;
  state.meta.buckets.put(bucket);
  return bucket;
}

/** OSS `validBucketName`: `_` is reserved for system buckets; quotes would break queries. */
export function validateBucketName(name: string): void {
  if (name.startsWith('_')) {
    throw new ApiError('invalid', `bucket name ${name} is invalid. Buckets may not start with underscore`);
  }
  if (name.includes('"')) {
    throw new ApiError('invalid', `bucket name ${name} is invalid. Bucket names may not include quotation marks`);
  }
}

/**
 * What the storage engine keeps when a bucket is created: retention 0 (forever) or at least 1h, and a
 * normalised shard-group duration no longer than the retention. Its errors are plain Go errors, so 500.
 */
export function storageDurations(
  retentionSeconds: number,
  shardGroupSeconds: number,
): { retentionSeconds: number; shardGroupDurationSeconds: number } {
  if (retentionSeconds !== 0 && retentionSeconds < HOUR) {
    throw new ApiError('internal error', 'retention policy duration must be at least 1h0m0s');
  }
  const shardGroupDurationSeconds = normaliseShardGroup(shardGroupSeconds, retentionSeconds);
  if (retentionSeconds > 0 && retentionSeconds < shardGroupDurationSeconds) {
    throw new ApiError('internal error', 'retention policy duration must be greater than the shard duration');
  }
  return { retentionSeconds, shardGroupDurationSeconds };
}

/** OSS meta `normalisedShardDuration`: unset → default for the retention; below 1h → 1h. */
export function normaliseShardGroup(shardGroupSeconds: number, retentionSeconds: number): number {
  if (shardGroupSeconds === 0) return defaultShardGroupSeconds(retentionSeconds);
  if (shardGroupSeconds < HOUR) return defaultShardGroupSeconds(HOUR);
  return shardGroupSeconds;
}

/** OSS meta `shardGroupDuration`: ≥180d or forever → 7d; ≥2d → 1d; else 1h. */
export function defaultShardGroupSeconds(retentionSeconds: number): number {
  if (retentionSeconds === 0 || retentionSeconds >= 180 * DAY) return 7 * DAY;
  if (retentionSeconds >= 2 * DAY) return DAY;
  return HOUR;
}
