/**
 * `POST /api/v2/delete` (OSS http/delete_handler.go `handleDelete`), checks in OSS's order: body (JSON,
 * start/stop, predicate), org, bucket (both found without looking at permissions), write permission on
 * the bucket (403 `insufficient permissions to delete`), then the deletion in one transaction, 204.
 */
import { bucketPermission } from '../auth/authorizer';
import { evaluate } from '../auth/permissions';
import { decodeDeleteRequest } from '../delete/request';
import { ApiError } from '../errors';
import { readTextBody } from '../http/body';
import type { Reply, RequestContext } from '../http/context';
import { callerOf, reply } from '../http/context';
import { goQuote } from '../http/format';
import type { Route } from '../http/router';
import { isValidId, parseId } from '../ids';
import type { Bucket, MetadataStore, Org } from '../storage/types';
import { bucketByName, requireBucketById, requireOrgById, requireOrgByName } from './lookup';

async function deletePoints(ctx: RequestContext): Promise<Reply> {
  const caller = callerOf(ctx);
  const { state } = ctx;
  const request = decodeDeleteRequest(await readTextBody(ctx.req, state.options.maxBodyBytes));
  const org = orgOfDelete(state.meta, ctx.query);
  const bucket = bucketOfDelete(state.meta, org.id, ctx.query);
  // The org of the request, not the bucket's: OSS builds the permission from both as given.
  const verdict = evaluate(caller.authorization, bucketPermission('write', { id: bucket.id, orgID: org.id }));
  if (!verdict.allowed) throw new ApiError('forbidden', 'insufficient permissions to delete');
  state.points.deleteRange(bucket.id, request.start, request.stop, request.matches);
  return reply.empty(204);
}

/** OSS http/requests.go `queryOrganization`: an ID-looking `org` is only tried as an ID; `orgID` wins. */
function orgOfDelete(meta: MetadataStore, query: URLSearchParams): Org {
  const orgID = query.get('orgID') ?? '';
  if (orgID !== '') return requireOrgById(meta, parseId(orgID));
  const org = query.get('org') ?? '';
  if (org === '') throw new ApiError('invalid', 'Please provide either orgID or org');
  return isValidId(org) ? requireOrgById(meta, org.toLowerCase()) : requireOrgByName(meta, org);
}

/**
 * OSS `queryBucket`: an ID-looking `bucket` is only tried as an ID, and a bucket found by ID is not
 * checked against the org (tenant FindBucketByID); `bucketID` wins.
 */
function bucketOfDelete(meta: MetadataStore, orgID: string, query: URLSearchParams): Bucket {
  const bucketID = query.get('bucketID') ?? '';
  if (bucketID !== '') return requireBucketById(meta, parseId(bucketID));
  const name = query.get('bucket') ?? '';
  if (name === '') throw new ApiError('invalid', 'Please provide either bucketID or bucket');
  if (isValidId(name)) return requireBucketById(meta, name.toLowerCase());
  const bucket = bucketByName(meta, orgID, name);
  if (!bucket) throw new ApiError('not found', `bucket ${goQuote(name)} not found`);
  return bucket;
}

export const deleteRoutes: Route[] = [{ method: 'POST', path: '/api/v2/delete', handler: deletePoints }];
