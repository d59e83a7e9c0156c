/** `/api/v2/users` and `/api/v2/me` (OSS tenant/http_server_user.go behind the authorizer), read-only. */
import { authorize, can, permission } from '../auth/authorizer';
import type { Reply, RequestContext } from '../http/context';
import { callerOf, reply } from '../http/context';
import type { Route } from '../http/router';
import type { User } from '../storage/types';
import { idParam, idQuery } from './decode';
import { requireUserById } from './lookup';
import { decodeFindOptions, page } from './paging';
import { userView } from './views';

function listUsers(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  const opts = decodeFindOptions(ctx.query);
  const id = idQuery(ctx, 'id');
  const name = ctx.query.get('name') ?? '';
  let users: User[] = ctx.state.meta.users.list();
  if (id !== undefined) users = users.filter((u) => u.id === id);
  if (name !== '') users = users.filter((u) => u.name === name);
  const readable = page(users, opts).filter((u) => can(caller, permission('read', 'users', { id: u.id })));
  return reply.pretty(200, { links: { self: '/api/v2/users' }, users: readable.map(userView) });
}

function getUser(ctx: RequestContext): Reply {
  const id = idParam(ctx, 'userID');
  authorize(callerOf(ctx), permission('read', 'users', { id }));
  return reply.pretty(200, userView(requireUserById(ctx.state.meta, id)));
}

/** The user of the calling token, which must be allowed to read itself as a user. */
function getMe(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  authorize(caller, permission('read', 'users', { id: caller.user.id }));
  return reply.pretty(200, userView(caller.user));
}

export const userRoutes: Route[] = [
  { method: 'GET', path: '/api/v2/me', handler: getMe },
  { method: 'GET', path: '/api/v2/users', handler: listUsers },
  { method: 'GET', path: '/api/v2/users/:userID', handler: getUser },
];
