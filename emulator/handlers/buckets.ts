/** `/api/v2/buckets` (OSS tenant/http_server_bucket.go behind the authorizer and the storage engine). */
import { authorize, authorizeReadBucket, bucketPermission, canReadBucket, permission } from '../auth/authorizer';
import { ApiError } from '../errors';
import type { Reply, RequestContext } from '../http/context';
import { callerOf, reply } from '../http/context';
import { GoJsonError, type JsonObject, optionalArray, optionalInteger, optionalString } from '../http/json';
import type { Route } from '../http/router';
import { goQuote } from '../http/format';
import { isValidId } from '../ids';
import type { Bucket } from '../storage/types';
import { decodeApiJson, idParam, idQuery } from './decode';
import { bucketByName, requireBucketById, requireOrgByName } from './lookup';
import { compareNames, decodeFindOptions, page, pagingLinks } from './paging';
import { createBucket, normaliseShardGroup, nowStamp, validateBucketName } from './tenant';
import { bucketView } from './views';

const HOUR = 3600;

function listBuckets(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  const { meta } = ctx.state;
  const opts = decodeFindOptions(ctx.query);
  let orgID = idQuery(ctx, 'orgID');
  const orgName = ctx.query.get('org') ?? '';
  const name = ctx.query.get('name') ?? '';
  const id = idQuery(ctx, 'id');
  let found: Bucket[];
  if (id !== undefined) {
    found = [requireBucketById(meta, id)];
  } else {
    if (orgName !== '') orgID = requireOrgByName(meta, orgName).id;
    if (name !== '' && orgID !== undefined) {
      const bucket = bucketByName(meta, orgID, name);
      if (!bucket) throw new ApiError('not found', `bucket ${goQuote(name)} not found`);
      found = [bucket];
    } else if (orgID !== undefined) {
      // OSS lists an org's buckets through its (org, name) index, so by name.
      const inOrg = meta.buckets.list().filter((b) => b.orgID === orgID);
      found = page(
        inOrg.sort((a, b) => compareNames(a.name, b.name)),
        opts,
      );
    } else {
      found = page(
        meta.buckets.list().filter((b) => name === '' || b.name === name),
        opts,
      );
    }
  }
  const readable = found.filter((b) => canReadBucket(caller, b));
  const filter: Record<string, string> = {
    id: ctx.query.get('id') ?? '',
    name,
    orgID: ctx.query.get('orgID') ?? '',
    org: orgName,
  };
  return reply.pretty(200, {
    links: pagingLinks('/api/v2/buckets', filter, opts, readable.length),
    buckets: readable.map(bucketView),
  });
}

interface RetentionInput {
  everySeconds: number;
  shardGroupDurationSeconds: number;
}

/** The `retentionRules` checks of `postBucketRequest.OK` / `bucketUpdate.OK` (422s). */
function readRetentionRules(body: JsonObject, where: string): RetentionInput[] | undefined {
  const rules = optionalArray(body, 'retentionRules', where, '[]retentionRule');
  if (rules === undefined) return undefined;
  const parsed = rules.map((rule) => {
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
      throw new GoJsonError(
        `json: cannot unmarshal ${Array.isArray(rule) ? 'array' : typeof rule} into Go struct field ${where} of type retentionRule`,
      );
    }
    const r = rule as JsonObject;
    return {
      everySeconds: optionalInteger(r, 'everySeconds', `${where}.everySeconds`) ?? 0,
      shardGroupDurationSeconds:
        optionalInteger(r, 'shardGroupDurationSeconds', `${where}.shardGroupDurationSeconds`) ?? 0,
    };
  });
  return parsed;
}

function checkRetentionRules(rules: RetentionInput[] | undefined): RetentionInput | undefined {
  if (!rules || rules.length === 0) return undefined;
  if (rules.length > 1) {
    throw new ApiError('unprocessable entity', 'buckets cannot have more than one retention rule at this time');
  }
  const rule = rules[0] as RetentionInput;
  if (rule.everySeconds < 0) throw new ApiError('unprocessable entity', 'expiration seconds cannot be negative');
  if (rule.shardGroupDurationSeconds < 0) {
    throw new ApiError('unprocessable entity', 'shard-group duration seconds cannot be negative');
  }
  return rule;
}

async function postBucket(ctx: RequestContext): Promise<Reply> {
  const caller = callerOf(ctx);
  const body = await decodeApiJson(ctx, 'tenant.postBucketRequest', (b) => ({
    orgID: optionalString(b, 'orgID', 'postBucketRequest.orgID') ?? '',
    name: optionalString(b, 'name', 'postBucketRequest.name') ?? '',
    description: optionalString(b, 'description', 'postBucketRequest.description') ?? '',
    rules: readRetentionRules(b, 'postBucketRequest.retentionRules'),
  }));
  if (!isValidId(body.orgID)) throw new ApiError('invalid', 'organization id must be provided');
  const orgID = body.orgID.toLowerCase();
  const rule = checkRetentionRules(body.rules);
  validateBucketName(body.name);
  authorize(caller, permission('write', 'buckets', { orgID }));
  const bucket = createBucket(ctx.state, {
    orgID,
    name: body.name,
    description: body.description,
    retentionSeconds: rule?.everySeconds ?? 0,
    shardGroupDurationSeconds: rule?.shardGroupDurationSeconds ?? 0,
  });
  return reply.pretty(201, bucketView(bucket));
}

function getBucket(ctx: RequestContext): Reply {
  const bucket = requireBucketById(ctx.state.meta, idParam(ctx, 'bucketID'));
  authorizeReadBucket(callerOf(ctx), bucket);
  return reply.pretty(200, bucketView(bucket));
}

async function patchBucket(ctx: RequestContext): Promise<Reply> {
  const id = idParam(ctx, 'bucketID');
  const update = await decodeApiJson(ctx, 'tenant.bucketUpdate', (b) => ({
    name: optionalString(b, 'name', 'bucketUpdate.name'),
    description: optionalString(b, 'description', 'bucketUpdate.description'),
    rules: readRetentionRules(b, 'bucketUpdate.retentionRules'),
  }));
  const rule = checkRetentionRules(update.rules);
  const { meta } = ctx.state;
  const bucket = requireBucketById(meta, id);
  authorize(callerOf(ctx), bucketPermission('write', bucket));
  if (rule) {
    // The engine checks the new retention first (OSS storage.BucketService.UpdateBucket).
    if (rule.everySeconds !== 0 && rule.everySeconds < HOUR) {
      throw new ApiError('internal error', 'retention policy duration must be at least 1h0m0s');
    }
    const shardGroup = normaliseShardGroup(rule.shardGroupDurationSeconds, rule.everySeconds);
    if (rule.everySeconds > 0 && rule.everySeconds < shardGroup) {
      throw new ApiError(
        'unprocessable entity',
        'shard-group duration must also be updated to be smaller than new retention duration',
      );
    }
    bucket.retentionSeconds = rule.everySeconds;
    bucket.shardGroupDurationSeconds = shardGroup;
  }
  if (update.name !== undefined && update.name !== bucket.name) {
    if (bucket.type === 'system') throw new ApiError('invalid', 'system buckets cannot be renamed');
    validateBucketName(update.name);
    if (bucketByName(meta, bucket.orgID, update.name)) {
      throw new ApiError('conflict', `bucket with name ${update.name} already exists`);
    }
    bucket.name = update.name;
  }
  if (update.description !== undefined) {
    if (update.description === '') delete bucket.description;
    else bucket.description = update.description;
  }
  bucket.updatedAt = nowStamp(ctx.state);
  meta.buckets.put(bucket);
  return reply.pretty(200, bucketView(bucket));
}

function deleteBucket(ctx: RequestContext): Reply {
  const { meta, points } = ctx.state;
  const bucket = requireBucketById(meta, idParam(ctx, 'bucketID'));
  authorize(callerOf(ctx), bucketPermission('write', bucket));
  if (bucket.type === 'system') throw new ApiError('invalid', 'system buckets cannot be deleted');
  points.deleteBucket(bucket.id);
  meta.buckets.delete(bucket.id);
  return reply.empty(204);
}

export const bucketRoutes: Route[] = [
  { method: 'GET', path: '/api/v2/buckets', handler: listBuckets },
  { method: 'POST', path: '/api/v2/buckets', handler: postBucket },
  { method: 'GET', path: '/api/v2/buckets/:bucketID', handler: getBucket },
  { method: 'PATCH', path: '/api/v2/buckets/:bucketID', handler: patchBucket },
  { method: 'DELETE', path: '/api/v2/buckets/:bucketID', handler: deleteBucket },
];
