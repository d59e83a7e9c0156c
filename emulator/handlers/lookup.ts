/** Finding orgs, buckets and users the way OSS's tenant service does, with its not-found messages. */
import { ApiError } from '../errors';
import { goQuote } from '../http/format';
import { isValidId, parseId } from '../ids';
import type { Bucket, MetadataStore, Org, User } from '../storage/types';

export function orgByName(meta: MetadataStore, name: string): Org | undefined {
  return meta.orgs.list().find((o) => o.name === name);
}

export function requireOrgByName(meta: MetadataStore, name: string): Org {
  const org = orgByName(meta, name);
  if (!org) throw new ApiError('not found', `organization name ${goQuote(name)} not found`);
  return org;
}

export function requireOrgById(meta: MetadataStore, id: string): Org {
  const org = meta.orgs.get(id);
  if (!org) throw new ApiError('not found', 'organization not found');
  return org;
}

/**
 * The org of a write or query (OSS http/requests.go `queryOrganization`): `orgID` wins over `org`; an
 * `org` that looks like an ID is tried as an ID first, then as a name.
 */
export function orgFromQuery(meta: MetadataStore, query: URLSearchParams): Org {
  const orgID = query.get('orgID') ?? '';
  if (orgID !== '') return requireOrgById(meta, parseId(orgID));
  const org = query.get('org') ?? '';
  if (org === '') throw new ApiError('invalid', 'Please provide either orgID or org');
  if (isValidId(org)) {
    const byId = meta.orgs.get(org.toLowerCase()) ?? orgByName(meta, org);
    if (!byId) throw new ApiError('not found', 'organization not found');
    return byId;
  }
  return requireOrgByName(meta, org);
}

export function bucketByName(meta: MetadataStore, orgID: string, name: string): Bucket | undefined {
  return meta.buckets.list().find((b) => b.orgID === orgID && b.name === name);
}

export function requireBucketById(meta: MetadataStore, id: string): Bucket {
  const bucket = meta.buckets.get(id);
  if (!bucket) throw new ApiError('not found', 'bucket not found');
  return bucket;
}

/** A write's `bucket` parameter: an ID-looking value is tried as an ID of the org's bucket, then as a name. */
export function bucketFromParam(meta: MetadataStore, orgID: string, ref: string): Bucket {
  if (isValidId(ref)) {
    const byId = meta.buckets.get(ref.toLowerCase());
    if (byId && byId.orgID === orgID) return byId;
  }
  const byName = bucketByName(meta, orgID, ref);
  if (!byName) throw new ApiError('not found', `bucket ${goQuote(ref)} not found`);
  return byName;
}

export function userByName(meta: MetadataStore, name: string): User | undefined {
  return meta.users.list().find((u) => u.name === name);
}

export function requireUserById(meta: MetadataStore, id: string): User {
  const user = meta.users.get(id);
  if (!user) throw new ApiError('not found', 'user not found');
  return user;
}
