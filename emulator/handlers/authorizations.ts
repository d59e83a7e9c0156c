/**
 * `/api/v2/authorizations` (OSS authorization/http_server.go, middleware_auth.go, service.go): tokens
 * with permissions; nobody can grant a permission they do not hold themselves.
 */
import { authorize, can, permission } from '../auth/authorizer';
import type { Caller } from '../auth/caller';
import { firstNotHeld, permissionString } from '../auth/permissions';
import { ApiError } from '../errors';
import { readTextBody } from '../http/body';
import type { Reply, RequestContext } from '../http/context';
import { callerOf, reply } from '../http/context';
import { decodeObject, GoJsonError, optionalString } from '../http/json';
import type { Route } from '../http/router';
import { newId, newToken } from '../ids';
import type { Authorization, MetadataStore } from '../storage/types';
import { decodeNewAuthorization } from './authorization-request';
import { idParam, idQuery } from './decode';
import { requireOrgByName, requireUserById, userByName } from './lookup';
import { nowStamp } from './tenant';
import { authorizationView } from './views';

type Status = Authorization['status'];

/** Read on the authorization and on its user (OSS `AuthorizeFindAuthorizations`). */
function canRead(caller: Caller, auth: Authorization): boolean {
  return (
    can(caller, permission('read', 'authorizations', { id: auth.id, orgID: auth.orgID })) &&
    can(caller, permission('read', 'users', { id: auth.userID }))
  );
}

function authorizeRead(caller: Caller, auth: Authorization): void {
  authorize(caller, permission('read', 'authorizations', { id: auth.id, orgID: auth.orgID }));
  authorize(caller, permission('read', 'users', { id: auth.userID }));
}

function authorizeWrite(caller: Caller, auth: Authorization): void {
  authorize(caller, permission('write', 'authorizations', { id: auth.id, orgID: auth.orgID }));
  authorize(caller, permission('write', 'users', { id: auth.userID }));
}

/** The response shape, or undefined when the org or user is gone (OSS skips those in lists). */
function view(meta: MetadataStore, auth: Authorization) {
  const org = meta.orgs.get(auth.orgID);
  const user = meta.users.get(auth.userID);
  return org && user ? authorizationView(auth, org, user, meta) : undefined;
}

function listAuthorizations(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  const { meta } = ctx.state;
  let userID = idQuery(ctx, 'userID');
  const userName = ctx.query.get('user') ?? '';
  let orgID = idQuery(ctx, 'orgID');
  const orgName = ctx.query.get('org') ?? '';
  const id = idQuery(ctx, 'id');
  if (userID === undefined && userName !== '') {
    const user = userByName(meta, userName);
    if (!user) throw new ApiError('not found', 'user not found');
    userID = user.id;
  }
  if (orgID === undefined && orgName !== '') orgID = requireOrgByName(meta, orgName).id;
  const views = meta.authorizations
    .list()
    .filter((a) => (id === undefined || a.id === id) && (userID === undefined || a.userID === userID))
    .filter((a) => orgID === undefined || a.orgID === orgID)
    .filter((a) => canRead(caller, a))
    .map((a) => view(meta, a))
    .filter((v) => v !== undefined);
  return reply.pretty(200, { links: { self: '/api/v2/authorizations' }, authorizations: views });
}

async function postAuthorization(ctx: RequestContext): Promise<Reply> {
  const caller = callerOf(ctx);
  const { meta } = ctx.state;
  const request = decodeNewAuthorization(await readTextBody(ctx.req, ctx.state.options.maxBodyBytes));
  const userID = request.userID ?? caller.user.id;
  authorize(caller, permission('write', 'authorizations', { orgID: request.orgID }));
  authorize(caller, permission('write', 'users', { id: userID }));
  const notHeld = firstNotHeld(caller.authorization, request.permissions);
  if (notHeld) {
    const p = permissionString(notHeld);
    throw new ApiError('forbidden', `permission ${p} is not allowed: ${p} is unauthorized`);
  }
  const foreign = request.permissions.find((p) => p.resource.orgID !== undefined && p.resource.orgID !== request.orgID);
  if (foreign) {
    throw new ApiError('invalid', `permission ${permissionString(foreign)} is not for org id ${request.orgID}`);
  }
  if (!meta.users.get(userID) || !meta.orgs.get(request.orgID)) {
    throw new ApiError('invalid', 'unable to create token');
  }
  const stamp = nowStamp(ctx.state);
  const auth: Authorization = {
    id: newId(),
    token: newToken(),
    status: request.status,
    description: request.description,
    orgID: request.orgID,
    userID,
    permissions: request.permissions,
    createdAt: stamp,
    updatedAt: stamp,
  };
  meta.authorizations.put(auth);
  return reply.pretty(201, viewOrFail(meta, auth));
}

function viewOrFail(meta: MetadataStore, auth: Authorization) {
  const v = view(meta, auth);
  if (v) return v;
  // OSS fails the request when a single authorization's org or user cannot be found.
  if (!meta.orgs.get(auth.orgID)) throw new ApiError('not found', 'organization not found');
  requireUserById(meta, auth.userID);
  throw new ApiError('not found', 'user not found');
}

function requireAuthorization(meta: MetadataStore, id: string): Authorization {
  const auth = meta.authorizations.get(id);
  if (!auth) throw new ApiError('not found', 'authorization not found');
  return auth;
}

function getAuthorization(ctx: RequestContext): Reply {
  const { meta } = ctx.state;
  const auth = requireAuthorization(meta, idParam(ctx, 'authID'));
  authorizeRead(callerOf(ctx), auth);
  return reply.pretty(200, viewOrFail(meta, auth));
}

async function patchAuthorization(ctx: RequestContext): Promise<Reply> {
  const { meta } = ctx.state;
  const id = idParam(ctx, 'authID');
  const text = await readTextBody(ctx.req, ctx.state.options.maxBodyBytes);
  let update: { status?: string; description?: string };
  try {
    const body = decodeObject(text, 'influxdb.AuthorizationUpdate');
    update = {
      status: optionalString(body, 'status', 'AuthorizationUpdate.status'),
      description: optionalString(body, 'description', 'AuthorizationUpdate.description'),
    };
  } catch (err) {
    // Decoded with a bare json.Decoder in OSS: a plain error, so 500 with Go's message.
    if (err instanceof GoJsonError) throw new ApiError('internal error', err.message);
    throw err;
  }
  if (update.status !== undefined && update.status !== 'active' && update.status !== 'inactive') {
    throw new ApiError('invalid', 'status must be active or inactive');
  }
  const auth = requireAuthorization(meta, id);
  authorizeWrite(callerOf(ctx), auth);
  if (update.status !== undefined) auth.status = update.status as Status;
  if (update.description !== undefined) auth.description = update.description;
  auth.updatedAt = nowStamp(ctx.state);
  meta.authorizations.put(auth);
  return reply.pretty(200, viewOrFail(meta, auth));
}

function deleteAuthorization(ctx: RequestContext): Reply {
  const { meta } = ctx.state;
  const auth = requireAuthorization(meta, idParam(ctx, 'authID'));
  authorizeWrite(callerOf(ctx), auth);
  meta.authorizations.delete(auth.id);
  return reply.empty(204);
}

export const authorizationRoutes: Route[] = [
  { method: 'GET', path: '/api/v2/authorizations', handler: listAuthorizations },
  { method: 'POST', path: '/api/v2/authorizations', handler: postAuthorization },
  { method: 'GET', path: '/api/v2/authorizations/:authID', handler: getAuthorization },
  { method: 'PATCH', path: '/api/v2/authorizations/:authID', handler: patchAuthorization },
  { method: 'DELETE', path: '/api/v2/authorizations/:authID', handler: deleteAuthorization },
];
