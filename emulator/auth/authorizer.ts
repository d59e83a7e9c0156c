/**
 * Permission checks of the metadata endpoints (OSS authorizer/authorize.go): a failed check is 401
 * `<permission> is unauthorized`, an inactive token 401 `token is inactive`; lists drop what the caller
 * cannot read instead of failing.
 */
import { ApiError } from '../errors';
import type { Action, Bucket, Permission, Resource } from '../storage/types';
import type { Caller } from './caller';
import { evaluate, isAllowed, permissionString } from './permissions';

export function authorize(caller: Caller, wanted: Permission): void {
  const verdict = evaluate(caller.authorization, wanted);
  if (verdict.allowed) return;
  if (verdict.reason === 'inactive') throw new ApiError('unauthorized', 'token is inactive');
  throw new ApiError('unauthorized', `${permissionString(wanted)} is unauthorized`);
}

export function can(caller: Caller, wanted: Permission): boolean {
  return isAllowed(caller.authorization, wanted);
}

export function permission(action: Action, type: string, scope: { id?: string; orgID?: string } = {}): Permission {
  const resource: Resource = { type };
  if (scope.id !== undefined) resource.id = scope.id;
  if (scope.orgID !== undefined) resource.orgID = scope.orgID;
  return { action, resource };
}

/** OSS `AuthorizeReadOrg`/`AuthorizeWriteOrg`: the org as a resource of itself. */
export function orgPermission(action: Action, orgID: string): Permission {
  return permission(action, 'orgs', { id: orgID, orgID });
}

export function bucketPermission(action: Action, bucket: Pick<Bucket, 'id' | 'orgID'>): Permission {
  return permission(action, 'buckets', { id: bucket.id, orgID: bucket.orgID });
}

/** Read access to a bucket; system buckets (`_tasks`, `_monitoring`) are also readable with read on their org. */
export function canReadBucket(caller: Caller, bucket: Bucket): boolean {
  if (can(caller, bucketPermission('read', bucket))) return true;
  return bucket.type === 'system' && can(caller, orgPermission('read', bucket.orgID));
}

export function authorizeReadBucket(caller: Caller, bucket: Bucket): void {
  if (canReadBucket(caller, bucket)) return;
  authorize(caller, bucketPermission('read', bucket));
}
