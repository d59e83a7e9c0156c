/** Decoding `POST /api/v2/authorizations` bodies (OSS `decodePostAuthorizationRequest` + `Validate`). */
import { parsePermission } from '../auth/permissions';
import { ApiError } from '../errors';
import { decodeObject, GoJsonError, type JsonObject, optionalArray, optionalString } from '../http/json';
import { isValidId } from '../ids';
import type { Authorization, Permission } from '../storage/types';

type Status = Authorization['status'];

export interface NewAuthorization {
  orgID: string;
  userID?: string;
  description: string;
  status: Status;
  permissions: Permission[];
}

/** OSS `decodePostAuthorizationRequest` + `Validate`: 400s worded as OSS words them (the instance type: 500). */
export function decodeNewAuthorization(text: string): NewAuthorization {
  let body: JsonObject;
  let raw: { orgID: string; userID: string; description: string; status: string; permissions: unknown[] };
  try {
    body = decodeObject(text, 'authorization.postAuthorizationRequest');
    raw = {
      orgID: optionalString(body, 'orgID', 'postAuthorizationRequest.orgID') ?? '',
      userID: optionalString(body, 'userID', 'postAuthorizationRequest.userID') ?? '',
      description: optionalString(body, 'description', 'postAuthorizationRequest.description') ?? '',
      status: optionalString(body, 'status', 'postAuthorizationRequest.status') ?? '',
      permissions:
        optionalArray(body, 'permissions', 'postAuthorizationRequest.permissions', '[]influxdb.Permission') ?? [],
    };
  } catch (err) {
    if (err instanceof GoJsonError) throw new ApiError('invalid', `invalid json structure: ${err.message}`);
    throw err;
  }
  for (const key of ['orgID', 'userID'] as const) {
    const value = raw[key];
    if (value !== '' && value.length !== 16) {
      throw new ApiError('invalid', 'invalid json structure: id must have a length of 16 bytes');
    }
    if (value !== '' && !isValidId(value)) throw new ApiError('invalid', 'invalid json structure: invalid ID');
  }
  if (raw.permissions.length === 0) throw new ApiError('invalid', 'authorization must include permissions');
  const permissions = raw.permissions.map(parsePermission);
  if (raw.orgID === '') throw new ApiError('invalid', 'org id required: invalid ID');
  const status = raw.status === '' ? 'active' : raw.status;
  if (status !== 'active' && status !== 'inactive') {
    throw new ApiError('invalid', 'status must be active or inactive');
  }
  // A plain Go error in OSS, hence 500.
  if (permissions.some((p) => p.resource.type === 'instance')) {
    throw new ApiError(
      'internal error',
      'authorizations cannot be created with the instance type, it is only used during setup',
    );
  }
  const out: NewAuthorization = {
    orgID: raw.orgID.toLowerCase(),
    description: raw.description,
    status,
    permissions,
  };
  if (raw.userID !== '') out.userID = raw.userID.toLowerCase();
  return out;
}
