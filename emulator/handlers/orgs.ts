/** `/api/v2/orgs` (OSS tenant/http_server_org.go behind the authorizer). */
import { authorize, can, orgPermission, permission } from '../auth/authorizer';
import { ApiError } from '../errors';
import type { Reply, RequestContext } from '../http/context';
import { callerOf, reply } from '../http/context';
import { optionalString } from '../http/json';
import type { Route } from '../http/router';
import type { Org } from '../storage/types';
import { decodeApiJson, idParam, idQuery } from './decode';
import { orgByName, requireOrgById, requireOrgByName } from './lookup';
import { decodeFindOptions, page } from './paging';
import { createOrg, nowStamp } from './tenant';
import { orgView } from './views';

function listOrgs(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  const { meta } = ctx.state;
  const opts = decodeFindOptions(ctx.query);
  const name = ctx.query.get('org') ?? '';
  const orgID = idQuery(ctx, 'orgID');
  const userID = idQuery(ctx, 'userID');
  let orgs: Org[];
  if (orgID !== undefined) orgs = [requireOrgById(meta, orgID)];
  else if (name !== '') orgs = [requireOrgByName(meta, name)];
  else orgs = page(meta.orgs.list(), opts);
  // Without member records, an org's members are the users holding a token in it.
  if (userID !== undefined) {
    const memberOf = new Set(
      meta.authorizations
        .list()
        .filter((a) => a.userID === userID)
        .map((a) => a.orgID),
    );
    orgs = orgs.filter((o) => memberOf.has(o.id));
  }
  const readable = orgs.filter((o) => can(caller, orgPermission('read', o.id)));
  return reply.pretty(200, { links: { self: '/api/v2/orgs' }, orgs: readable.map(orgView) });
}

async function postOrg(ctx: RequestContext): Promise<Reply> {
  const caller = callerOf(ctx);
  const body = await decodeApiJson(ctx, 'influxdb.Organization', (b) => ({
    name: optionalString(b, 'name', 'Organization.name') ?? '',
    description: optionalString(b, 'description', 'Organization.description') ?? '',
  }));
  authorize(caller, permission('write', 'orgs'));
  return reply.pretty(201, orgView(createOrg(ctx.state, body.name, body.description)));
}

function getOrg(ctx: RequestContext): Reply {
  const id = idParam(ctx, 'orgID');
  authorize(callerOf(ctx), orgPermission('read', id));
  return reply.pretty(200, orgView(requireOrgById(ctx.state.meta, id)));
}

async function patchOrg(ctx: RequestContext): Promise<Reply> {
  const id = idParam(ctx, 'orgID');
  const update = await decodeApiJson(ctx, 'influxdb.OrganizationUpdate', (b) => ({
    name: optionalString(b, 'name', 'OrganizationUpdate.name'),
    description: optionalString(b, 'description', 'OrganizationUpdate.description'),
  }));
  authorize(callerOf(ctx), orgPermission('write', id));
  const { meta } = ctx.state;
  const org = requireOrgById(meta, id);
  if (update.name !== undefined && update.name !== org.name) {
    if (update.name.trim() === '') throw new ApiError('invalid', 'org name is empty');
    if (orgByName(meta, update.name)) {
      throw new ApiError('conflict', `organization with name ${update.name} already exists`);
    }
    org.name = update.name;
  }
  if (update.description !== undefined) org.description = update.description;
  org.updatedAt = nowStamp(ctx.state);
  meta.orgs.put(org);
  return reply.pretty(200, orgView(org));
}

/** Deletes the org with its buckets and their points (OSS keeps its tokens, which then fail lookups). */
function deleteOrg(ctx: RequestContext): Reply {
  const id = idParam(ctx, 'orgID');
  authorize(callerOf(ctx), orgPermission('write', id));
  const { meta, points } = ctx.state;
  requireOrgById(meta, id);
  for (const bucket of meta.buckets.list().filter((b) => b.orgID === id)) {
    points.deleteBucket(bucket.id);
    meta.buckets.delete(bucket.id);
  }
  meta.orgs.delete(id);
  return reply.empty(204);
}

export const orgRoutes: Route[] = [
  { method: 'GET', path: '/api/v2/orgs', handler: listOrgs },
  { method: 'POST', path: '/api/v2/orgs', handler: postOrg },
  { method: 'GET', path: '/api/v2/orgs/:orgID', handler: getOrg },
  { method: 'PATCH', path: '/api/v2/orgs/:orgID', handler: patchOrg },
  { method: 'DELETE', path: '/api/v2/orgs/:orgID', handler: deleteOrg },
];
