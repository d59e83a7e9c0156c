/**
 * Onboarding `GET|POST /api/v2/setup` (OSS tenant/http_server_onboarding.go, service_onboarding.go):
 * the first user, org and bucket, and the all-access operator token.
 */
import { operatorPermissions } from '../auth/permissions';
import { ApiError } from '../errors';
import { readTextBody } from '../http/body';
import type { Reply, RequestContext } from '../http/context';
import { reply } from '../http/context';
import { decodeObject, GoJsonError, optionalInteger, optionalString } from '../http/json';
import type { Route } from '../http/router';
import { newId, newToken } from '../ids';
import type { Authorization, User } from '../storage/types';
import { createBucket, createOrg, nowStamp, storageDurations, validateBucketName } from './tenant';
import { bucketView, orgView, rawAuthorizationView, userView } from './views';

const NS_PER_SECOND = 1e9;

interface OnboardingRequest {
  username: string;
  password: string;
  org: string;
  bucket: string;
  retentionSeconds: number;
  token: string;
}

function isOnboardingAllowed(ctx: RequestContext): boolean {
  return ctx.state.meta.users.list().length === 0 && ctx.state.meta.orgs.list().length === 0;
}

function getSetup(ctx: RequestContext): Reply {
  return reply.pretty(200, { allowed: isOnboardingAllowed(ctx) });
}

async function postSetup(ctx: RequestContext): Promise<Reply> {
  const request = decodeOnboarding(await readTextBody(ctx.req, ctx.state.options.maxBodyBytes));
  if (!isOnboardingAllowed(ctx)) throw new ApiError('conflict', 'onboarding has already been completed');
  const missing = (['username', 'org', 'bucket'] as const).filter((k) => request[k] === '');
  if (missing.length > 0) {
    throw new ApiError('unprocessable entity', `onboarding failed: missing required fields [${missing.join(',')}]`);
  }
  if (request.password !== '' && (request.password.length < 8 || request.password.length > 72)) {
    throw new ApiError('invalid', 'passwords must be between 8 and 72 characters long');
  }
  const { state } = ctx;
  // Everything that can refuse the request is checked before anything is stored, so it can be retried.
  if (request.org.trim() === '') throw new ApiError('invalid', 'org name is empty');
  validateBucketName(request.bucket);
  storageDurations(request.retentionSeconds, 0);
  const user: User = { id: newId(), name: request.username, status: 'active', passwordSet: request.password !== '' };
  state.meta.users.put(user);
  const org = createOrg(state, request.org);
  const bucket = createBucket(state, {
    orgID: org.id,
    name: request.bucket,
    retentionSeconds: request.retentionSeconds,
    shardGroupDurationSeconds: 0,
  });
  const stamp = nowStamp(state);
  const auth: Authorization = {
    id: newId(),
    token: request.token !== '' ? request.token : newToken(),
    status: 'active',
    description: `${user.name}'s Token`,
    orgID: org.id,
    userID: user.id,
    permissions: operatorPermissions(),
    createdAt: stamp,
    updatedAt: stamp,
  };
  state.meta.authorizations.put(auth);
  return reply.pretty(201, {
    user: userView(user),
    bucket: bucketView(bucket),
    org: orgView(org),
    auth: rawAuthorizationView(auth),
  });
}

/** A body Go cannot decode is passed to the API error writer as a plain error: 500 with Go's message. */
function decodeOnboarding(text: string): OnboardingRequest {
  try {
    const body = decodeObject(text, 'tenant.onboardingRequest');
    const where = (f: string) => `onboardingRequest.${f}`;
    const seconds = optionalInteger(body, 'retentionPeriodSeconds', where('retentionPeriodSeconds')) ?? 0;
    // `retentionPeriodHrs` is a Go time.Duration, i.e. nanoseconds despite its name; used only without the other.
    const deprecatedNs = optionalInteger(body, 'retentionPeriodHrs', where('retentionPeriodHrs')) ?? 0;
    return {
      username: optionalString(body, 'username', where('username')) ?? '',
      password: optionalString(body, 'password', where('password')) ?? '',
      org: optionalString(body, 'org', where('org')) ?? '',
      bucket: optionalString(body, 'bucket', where('bucket')) ?? '',
      retentionSeconds: seconds > 0 ? seconds : Math.floor(deprecatedNs / NS_PER_SECOND),
      token: optionalString(body, 'token', where('token')) ?? '',
    };
  } catch (err) {
    if (err instanceof GoJsonError) throw new ApiError('internal error', err.message);
    throw err;
  }
}

export const setupRoutes: Route[] = [
  { method: 'GET', path: '/api/v2/setup', handler: getSetup },
  { method: 'POST', path: '/api/v2/setup', handler: postSetup },
];
