/**
 * JSON shapes of the metadata resources, field for field as OSS writes them (tenant/http_server_*.go,
 * authorization/http_server.go). Go marshals `map[string]string` links with sorted keys, so ours are too.
 */
import type { Authorization, Bucket, MetadataStore, Org, Permission, User } from '../storage/types';

/** OSS formats the name into the links unescaped (`fmt.Sprintf("...?org=%s", o.Name)`). */
export function orgView(org: Org) {
  const q = org.name;
  return {
    links: {
      buckets: `/api/v2/buckets?org=${q}`,
      dashboards: `/api/v2/dashboards?org=${q}`,
      labels: `/api/v2/orgs/${org.id}/labels`,
      logs: `/api/v2/orgs/${org.id}/logs`,
      members: `/api/v2/orgs/${org.id}/members`,
      owners: `/api/v2/orgs/${org.id}/owners`,
      secrets: `/api/v2/orgs/${org.id}/secrets`,
      self: `/api/v2/orgs/${org.id}`,
      tasks: `/api/v2/tasks?org=${q}`,
    },
    id: org.id,
    name: org.name,
    description: org.description,
    createdAt: org.createdAt,
    updatedAt: org.updatedAt,
  };
}

export function bucketView(bucket: Bucket) {
  const self = `/api/v2/buckets/${bucket.id}`;
  const hasRule = bucket.retentionSeconds !== 0 || bucket.shardGroupDurationSeconds !== 0;
  return {
    id: bucket.id,
    orgID: bucket.orgID,
    type: bucket.type,
    ...(bucket.description ? { description: bucket.description } : {}),
    name: bucket.name,
    retentionRules: hasRule
      ? [
          {
            type: 'expire',
            everySeconds: bucket.retentionSeconds,
            shardGroupDurationSeconds: bucket.shardGroupDurationSeconds,
          },
        ]
      : [],
    createdAt: bucket.createdAt,
    updatedAt: bucket.updatedAt,
    links: {
      labels: `${self}/labels`,
      members: `${self}/members`,
      org: `/api/v2/orgs/${bucket.orgID}`,
      owners: `${self}/owners`,
      self,
      write: `/api/v2/write?org=${bucket.orgID}&bucket=${bucket.id}`,
    },
    labels: [] as unknown[],
  };
}

export function userView(user: User) {
  return {
    links: { self: `/api/v2/users/${user.id}` },
    id: user.id,
    name: user.name,
    status: user.status,
  };
}

/** The stored authorization as onboarding returns it: no org/user names, no resource names. */
export function rawAuthorizationView(auth: Authorization) {
  return {
    id: auth.id,
    token: auth.token,
    status: auth.status,
    description: auth.description,
    orgID: auth.orgID,
    userID: auth.userID,
    permissions: auth.permissions.map((p) => ({ action: p.action, resource: { ...p.resource } })),
    createdAt: auth.createdAt,
    updatedAt: auth.updatedAt,
    links: authorizationLinks(auth),
  };
}

/** `/api/v2/authorizations` shape: org and user names, and names of the resources permissions point at. */
export function authorizationView(auth: Authorization, org: Org, user: User, meta: MetadataStore) {
  return {
    id: auth.id,
    token: auth.token,
    status: auth.status,
    description: auth.description,
    orgID: auth.orgID,
    org: org.name,
    userID: auth.userID,
    user: user.name,
    permissions: auth.permissions.map((p) => permissionView(p, meta)),
    links: authorizationLinks(auth),
    createdAt: auth.createdAt,
    updatedAt: auth.updatedAt,
  };
}

function authorizationLinks(auth: Authorization) {
  return { self: `/api/v2/authorizations/${auth.id}`, user: `/api/v2/users/${auth.userID}` };
}

/**
 * OSS `newPermissionsResponse`: the name of the resource an id points at, then the org name; when the
 * id no longer resolves it stops there (so the org name is left out too).
 */
function permissionView(p: Permission, meta: MetadataStore) {
  const resource: { type: string; id?: string; orgID?: string; name?: string; org?: string } = { ...p.resource };
  if (p.resource.id !== undefined) {
    const name = resourceName(p.resource.type, p.resource.id, meta);
    if (name === undefined) return { action: p.action, resource };
    if (name !== '') resource.name = name;
  }
  if (p.resource.orgID !== undefined) {
    const org = meta.orgs.get(p.resource.orgID);
    if (org) resource.org = org.name;
  }
  return { action: p.action, resource };
}

/** undefined = the resource is gone; '' = a type whose resources have no name we keep. */
function resourceName(type: string, id: string, meta: MetadataStore): string | undefined {
  switch (type) {
    case 'buckets':
      return meta.buckets.get(id)?.name;
    case 'orgs':
      return meta.orgs.get(id)?.name;
    case 'users':
      return meta.users.get(id)?.name;
    case 'tasks':
      return meta.tasks.get(id)?.name;
    default:
      return '';
  }
}
