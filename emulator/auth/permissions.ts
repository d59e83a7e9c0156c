/**
 * InfluxDB's permission model as pure functions (OSS authz.go): what a permission grants, how it is
 * printed in error messages, and which permission documents are valid.
 */
import { ApiError } from '../errors';
import { isValidId } from '../ids';
import type { Action, Authorization, Permission, Resource } from '../storage/types';

/** OSS authz.go `AllResourceTypes`, in its order (the operator token lists them this way). */
export const RESOURCE_TYPES = [
  'authorizations',
  'buckets',
  'dashboards',
  'orgs',
  'sources',
  'tasks',
  'telegrafs',
  'users',
  'variables',
  'scrapers',
  'secrets',
  'labels',
  'views',
  'documents',
  'notificationRules',
  'notificationEndpoints',
  'checks',
  'dbrp',
  'notebooks',
  'annotations',
  'remotes',
  'replications',
  'instance',
] as const;

export type ResourceType = (typeof RESOURCE_TYPES)[number];

export function isResourceType(type: unknown): type is ResourceType {
  return (RESOURCE_TYPES as readonly unknown[]).includes(type);
}

/**
 * Does the held permission grant the wanted one (OSS `Permission.matchesV1`)? Same action (write does not
 * imply read); `instance` grants every type; no orgID/id = the whole type; orgID only = that org; id = that
 * resource, whatever its org.
 */
export function grants(held: Permission, wanted: Permission): boolean {
  if (held.action !== wanted.action) return false;
  if (held.resource.type === 'instance') return true;
  if (held.resource.type !== wanted.resource.type) return false;
  const { id, orgID } = held.resource;
  if (id === undefined && orgID === undefined) return true;
  // Below, the held orgID (then id) is defined, so equality alone keeps out a request without one.
  if (id === undefined) return wanted.resource.orgID === orgID;
  return wanted.resource.id === id;
}

export type Verdict = { allowed: true } | { allowed: false; reason: 'inactive' | 'not granted' };

/** An inactive token authenticates but holds nothing (OSS `Authorization.PermissionSet`). */
export function evaluate(authorization: Pick<Authorization, 'status' | 'permissions'>, wanted: Permission): Verdict {
  if (authorization.status !== 'active') return { allowed: false, reason: 'inactive' };
  return authorization.permissions.some((held) => grants(held, wanted))
    ? { allowed: true }
    : { allowed: false, reason: 'not granted' };
}

export function isAllowed(authorization: Pick<Authorization, 'status' | 'permissions'>, wanted: Permission): boolean {
  return evaluate(authorization, wanted).allowed;
}

/** The first requested permission the holder does not have itself, if any: nobody grants more than they hold. */
export function firstNotHeld(
  holder: Pick<Authorization, 'status' | 'permissions'>,
  requested: Permission[],
): Permission | undefined {
  return requested.find((p) => !isAllowed(holder, p));
}

/** OSS `Resource.String`: `orgs/<orgID>/buckets/<id>`, `orgs/<orgID>/buckets`, `buckets/<id>`, `buckets`. */
export function resourceString(r: Resource): string {
  if (r.orgID !== undefined && r.id !== undefined) return `orgs/${r.orgID}/${r.type}/${r.id}`;
  if (r.orgID !== undefined) return `orgs/${r.orgID}/${r.type}`;
  if (r.id !== undefined) return `${r.type}/${r.id}`;
  return r.type;
}

/** OSS `Permission.String`, e.g. `write:orgs/<org>/buckets/<id>`. */
export function permissionString(p: Permission): string {
  return `${p.action}:${resourceString(p.resource)}`;
}

/** OSS `OperPermissions()`: read and write on every type but `instance`, unscoped (all orgs). */
export function operatorPermissions(): Permission[] {
  const out: Permission[] = [];
  for (const type of RESOURCE_TYPES) {
    if (type === 'instance') continue;
    for (const action of ['read', 'write'] as const) out.push({ action, resource: { type } });
  }
  return out;
}

/**
 * Parses one permission of a request body. Request-side `name`/`org` are dropped as OSS drops them; an
 * unknown action or type is the 400 OSS gives (`Permission.Valid`).
 */
export function parsePermission(value: unknown): Permission {
  const p = isObject(value) ? value : {};
  const resource = isObject(p['resource']) ? p['resource'] : {};
  const action = p['action'];
  const type = resource['type'];
  // OSS `Permission.Valid` checks the resource type before the action.
  if (!isResourceType(type)) {
    throw new ApiError('invalid', 'invalid resource type for permission: unknown resource type for permission');
  }
  if (action !== 'read' && action !== 'write') {
    throw new ApiError('invalid', 'invalid action type for permission');
  }
  const out: Resource = { type };
  const id = optionalId(resource['id']);
  const orgID = optionalId(resource['orgID']);
  if (id !== undefined) out.id = id;
  if (orgID !== undefined) out.orgID = orgID;
  return { action: action satisfies Action, resource: out };
}

function optionalId(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ApiError('invalid', 'invalid json structure: invalid ID');
  if (value.length !== 16) throw new ApiError('invalid', 'invalid json structure: id must have a length of 16 bytes');
  if (!isValidId(value)) throw new ApiError('invalid', 'invalid json structure: invalid ID');
  return value.toLowerCase();
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
