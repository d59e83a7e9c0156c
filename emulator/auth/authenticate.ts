/**
 * Token authentication of `/api/v2/*` (OSS http/tokens.go `GetToken`, http/authentication_middleware.go):
 * `Token <t>` or `Bearer <t>`; a missing, malformed or unknown token is 401 `unauthorized access`.
 */
import { ApiError, errors } from '../errors';
import type { Authorization, MetadataStore } from '../storage/types';
import type { Caller } from './caller';

/** Routes OSS serves without a token (http/platform_handler.go); `/ping`, `/health`, `/ready` are outside `/api/v2`. */
const PUBLIC_ROUTES = new Set([
  'GET /api/v2',
  'POST /api/v2/signin',
  'POST /api/v2/signout',
  'POST /api/v2/setup',
  'GET /api/v2/setup',
  'GET /api/v2/swagger.json',
]);

export function needsToken(method: string, path: string): boolean {
  if (path !== '/api/v2' && !path.startsWith('/api/v2/')) return false;
  const normalised = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return !PUBLIC_ROUTES.has(`${method} ${normalised}`);
}

/** The token of an `Authorization` header, or undefined when the header is missing or its scheme is not Token/Bearer. */
export function tokenFromHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  // OSS accepts `Token ` with nothing after it (an empty token), but `Bearer ` needs at least one character.
  if (header.length >= 6 && header.slice(0, 6).toLowerCase() === 'token ') return header.slice(6);
  if (header.length > 7 && header.slice(0, 7).toLowerCase() === 'bearer ') return header.slice(7);
  return undefined;
}

/**
 * Finds the caller of a token. Remembers token → authorization id, so a request costs one lookup by id;
 * a deleted or rotated authorization falls back to a scan and so is never served from a stale entry.
 */
export class Authenticator {
  private readonly idByToken = new Map<string, string>();

  constructor(private readonly meta: MetadataStore) {}

  authenticate(header: string | undefined): Caller {
    const token = tokenFromHeader(header);
    if (!token) throw errors.unauthorized();
    const authorization = this.findByToken(token);
    if (!authorization) throw errors.unauthorized();
    const user = this.meta.users.get(authorization.userID);
    if (!user) throw errors.unauthorized();
    if (user.status !== 'active') throw new ApiError('forbidden', 'User is inactive');
    return { authorization, user };
  }

  private findByToken(token: string): Authorization | undefined {
    const cachedId = this.idByToken.get(token);
    if (cachedId !== undefined) {
      const cached = this.meta.authorizations.get(cachedId);
      if (cached && cached.token === token) return cached;
      this.idByToken.delete(token);
    }
    const found = this.meta.authorizations.list().find((a) => a.token === token);
    if (found) this.idByToken.set(token, found.id);
    return found;
  }
}
