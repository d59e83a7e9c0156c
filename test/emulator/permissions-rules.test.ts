/**
 * The rules a permission document in a request body must follow (OSS `Permission.Valid` and
 * `platform.IDFromString`), each pinned on its own (found by mutation testing, see TESTING.md).
 */
import assert from 'node:assert/strict';
import { grants, isResourceType, parsePermission, RESOURCE_TYPES } from '../../emulator/auth/permissions';
import { ApiError } from '../../emulator/errors';

const ORG = '0000000000000aaa';
const BUCKET = '000000000000000b';

/** The ApiError a parse throws, as code, status and message. */
function refusal(value: unknown): { code: string; status: number; message: string } {
  try {
    parsePermission(value);
  } catch (e) {
    assert.ok(e instanceof ApiError, `not an ApiError: ${String(e)}`);
    return { code: e.code, status: e.status, message: e.message };
  }
  return assert.fail('expected an ApiError');
}

const BAD_TYPE = {
  code: 'invalid',
  status: 400,
  message: 'invalid resource type for permission: unknown resource type for permission',
};
const BAD_ACTION = { code: 'invalid', status: 400, message: 'invalid action type for permission' };
const BAD_ID = { code: 'invalid', status: 400, message: 'invalid json structure: invalid ID' };
const BAD_ID_LENGTH = {
  code: 'invalid',
  status: 400,
  message: 'invalid json structure: id must have a length of 16 bytes',
};

describe('permission documents', () => {
  it('accepts write as well as read', () => {
    assert.deepEqual(parsePermission({ action: 'write', resource: { type: 'buckets' } }), {
      action: 'write',
      resource: { type: 'buckets' },
    });
  });

  it('accepts every resource type OSS knows, instance included', () => {
    for (const type of RESOURCE_TYPES) {
      assert.deepEqual(parsePermission({ action: 'read', resource: { type } }), { action: 'read', resource: { type } });
    }
    assert.equal(isResourceType('instance'), true);
    assert.equal(isResourceType('bucket'), false);
  });

  it('leaves id and orgID out of the resource when they are absent, null or empty', () => {
    for (const missing of [undefined, null, '']) {
      const parsed = parsePermission({ action: 'read', resource: { type: 'buckets', id: missing, orgID: missing } });
      assert.deepEqual(parsed, { action: 'read', resource: { type: 'buckets' } });
      assert.deepEqual(Object.keys(parsed.resource), ['type']);
    }
  });

  it('keeps an id without an org and an org without an id, in lower case', () => {
    assert.deepEqual(parsePermission({ action: 'read', resource: { type: 'buckets', id: BUCKET.toUpperCase() } }), {
      action: 'read',
      resource: { type: 'buckets', id: BUCKET },
    });
    assert.deepEqual(parsePermission({ action: 'read', resource: { type: 'buckets', orgID: 'ABCDEF0123456789' } }), {
      action: 'read',
      resource: { type: 'buckets', orgID: 'abcdef0123456789' },
    });
  });

  it('checks the resource type before the action, each with its own 400', () => {
    assert.deepEqual(refusal({ action: 'delete', resource: { type: 'nope' } }), BAD_TYPE);
    assert.deepEqual(refusal({ action: 'delete', resource: { type: 'buckets' } }), BAD_ACTION);
    assert.deepEqual(refusal({ action: 'READ', resource: { type: 'buckets' } }), BAD_ACTION);
    assert.deepEqual(refusal({ resource: { type: 'buckets' } }), BAD_ACTION);
    assert.deepEqual(refusal({ action: 'read', resource: { type: 'Buckets' } }), BAD_TYPE);
    assert.deepEqual(refusal({ action: 'read', resource: { type: 1 } }), BAD_TYPE);
    assert.deepEqual(refusal({ action: 'read', resource: {} }), BAD_TYPE);
  });

  it('refuses a body or resource that is not a JSON object with a 400, never a TypeError', () => {
    for (const body of [null, undefined, 'read', 42, ['read'], { action: 'read' }]) {
      assert.deepEqual(refusal(body), BAD_TYPE);
    }
    for (const resource of [null, 'buckets', ['buckets'], 7]) {
      assert.deepEqual(refusal({ action: 'read', resource }), BAD_TYPE);
    }
  });

  it('does not read fields from an array or a function that carries them as properties', () => {
    const arrayBody = Object.assign([], { action: 'read', resource: { type: 'buckets' } });
    assert.deepEqual(refusal(arrayBody), BAD_TYPE);
    const arrayResource = Object.assign([], { type: 'buckets' });
    assert.deepEqual(refusal({ action: 'read', resource: arrayResource }), BAD_TYPE);
    const functionResource = Object.assign(() => undefined, { type: 'buckets' });
    assert.deepEqual(refusal({ action: 'read', resource: functionResource }), BAD_TYPE);
  });

  it('refuses an id that is not a text, not 16 characters, not hex or all zeros', () => {
    const withId = (id: unknown) => ({ action: 'read', resource: { type: 'buckets', id } });
    const withOrg = (orgID: unknown) => ({ action: 'read', resource: { type: 'buckets', orgID } });
    for (const make of [withId, withOrg]) {
      assert.deepEqual(refusal(make(1234567890123456)), BAD_ID);
      assert.deepEqual(refusal(make({})), BAD_ID);
      assert.deepEqual(refusal(make(false)), BAD_ID);
      assert.deepEqual(refusal(make('abc')), BAD_ID_LENGTH);
      assert.deepEqual(refusal(make(`${BUCKET}0`)), BAD_ID_LENGTH);
      assert.deepEqual(refusal(make('000000000000000g')), BAD_ID);
      assert.deepEqual(refusal(make('0000000000000000')), BAD_ID);
    }
  });

  it('lets an org-scoped permission grant nothing to a request for an id without an org', () => {
    const held = { action: 'read' as const, resource: { type: 'buckets', orgID: ORG } };
    assert.equal(grants(held, { action: 'read', resource: { type: 'buckets', id: BUCKET } }), false);
    const byId = { action: 'read' as const, resource: { type: 'buckets', id: BUCKET } };
    assert.equal(grants(byId, { action: 'read', resource: { type: 'buckets', orgID: ORG } }), false);
  });
});
