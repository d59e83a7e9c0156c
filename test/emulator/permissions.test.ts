import assert from 'node:assert/strict';
import {
  evaluate,
  firstNotHeld,
  grants,
  operatorPermissions,
  parsePermission,
  permissionString,
  RESOURCE_TYPES,
} from '../../emulator/auth/permissions';
import { ApiError } from '../../emulator/errors';
import type { Permission } from '../../emulator/storage/types';

const ORG = '0000000000000aaa';
const OTHER_ORG = '0000000000000bbb';
const BUCKET = '000000000000000b';

const perm = (action: 'read' | 'write', type: string, scope: { id?: string; orgID?: string } = {}): Permission => ({
  action,
  resource: { type, ...scope },
});
const wantedWrite = perm('write', 'buckets', { id: BUCKET, orgID: ORG });

describe('permission model', () => {
  describe('grants', () => {
    it('needs the same action: write does not imply read', () => {
      assert.equal(grants(perm('write', 'buckets'), perm('read', 'buckets', { id: BUCKET, orgID: ORG })), false);
    });

    it('lets an unscoped permission cover every resource of its type', () => {
      assert.equal(grants(perm('write', 'buckets'), wantedWrite), true);
    });

    it('needs the same resource type', () => {
      assert.equal(grants(perm('write', 'orgs'), wantedWrite), false);
    });

    it('lets instance cover every type', () => {
      assert.equal(grants(perm('write', 'instance'), wantedWrite), true);
    });

    it('scopes an org permission to that org', () => {
      assert.equal(grants(perm('write', 'buckets', { orgID: ORG }), wantedWrite), true);
      assert.equal(grants(perm('write', 'buckets', { orgID: OTHER_ORG }), wantedWrite), false);
    });

    it('does not let an org permission cover a request without an org', () => {
      assert.equal(grants(perm('write', 'buckets', { orgID: ORG }), perm('write', 'buckets')), false);
    });

    it('scopes an id permission to that resource whatever its org', () => {
      assert.equal(grants(perm('write', 'buckets', { id: BUCKET }), wantedWrite), true);
      assert.equal(grants(perm('write', 'buckets', { id: BUCKET, orgID: OTHER_ORG }), wantedWrite), true);
      assert.equal(grants(perm('write', 'buckets', { id: '000000000000000c' }), wantedWrite), false);
    });
  });

  describe('evaluate', () => {
    it('allows what one held permission grants', () => {
      const auth = {
        status: 'active' as const,
        permissions: [perm('read', 'orgs'), perm('write', 'buckets', { orgID: ORG })],
      };
      assert.deepEqual(evaluate(auth, wantedWrite), { allowed: true });
    });

    it('refuses what no held permission grants', () => {
      const auth = { status: 'active' as const, permissions: [perm('read', 'buckets')] };
      assert.deepEqual(evaluate(auth, wantedWrite), { allowed: false, reason: 'not granted' });
    });

    it('refuses everything to an inactive token', () => {
      const auth = { status: 'inactive' as const, permissions: [perm('write', 'instance')] };
      assert.deepEqual(evaluate(auth, wantedWrite), { allowed: false, reason: 'inactive' });
    });
  });

  describe('firstNotHeld', () => {
    const holder = { status: 'active' as const, permissions: [perm('write', 'buckets', { orgID: ORG })] };

    it('finds nothing when every requested permission is held', () => {
      assert.equal(firstNotHeld(holder, [wantedWrite]), undefined);
    });

    it('names the first permission the holder lacks', () => {
      const lacking = perm('read', 'buckets', { id: BUCKET, orgID: ORG });
      assert.deepEqual(firstNotHeld(holder, [wantedWrite, lacking]), lacking);
    });

    it('does not let an org-scoped holder grant an unscoped permission', () => {
      assert.deepEqual(firstNotHeld(holder, [perm('write', 'buckets')]), perm('write', 'buckets'));
    });

    it('grants nothing from an inactive holder', () => {
      assert.deepEqual(firstNotHeld({ ...holder, status: 'inactive' }, [wantedWrite]), wantedWrite);
    });
  });

  describe('printed form', () => {
    it('prints org and id like OSS', () => {
      assert.equal(permissionString(wantedWrite), `write:orgs/${ORG}/buckets/${BUCKET}`);
      assert.equal(permissionString(perm('read', 'buckets', { orgID: ORG })), `read:orgs/${ORG}/buckets`);
      assert.equal(permissionString(perm('read', 'buckets', { id: BUCKET })), `read:buckets/${BUCKET}`);
      assert.equal(permissionString(perm('read', 'buckets')), 'read:buckets');
    });
  });

  describe('operator permissions', () => {
    it('are read and write on every type but instance, unscoped', () => {
      const ops = operatorPermissions();
      assert.equal(ops.length, (RESOURCE_TYPES.length - 1) * 2);
      assert.ok(
        ops.every(
          (p) => p.resource.type !== 'instance' && p.resource.id === undefined && p.resource.orgID === undefined,
        ),
      );
      assert.deepEqual(ops.slice(0, 2), [perm('read', 'authorizations'), perm('write', 'authorizations')]);
    });
  });

  describe('parsePermission', () => {
    it('keeps type, id and orgID and drops request-side names', () => {
      const parsed = parsePermission({
        action: 'read',
        resource: { type: 'buckets', id: BUCKET.toUpperCase(), orgID: ORG, name: 'x', org: 'y' },
      });
      assert.deepEqual(parsed, perm('read', 'buckets', { id: BUCKET, orgID: ORG }));
    });

    it('refuses an unknown resource type', () => {
      assert.throws(
        () => parsePermission({ action: 'read', resource: { type: 'nope' } }),
        (e: unknown) =>
          e instanceof ApiError &&
          e.status === 400 &&
          e.message === 'invalid resource type for permission: unknown resource type for permission',
      );
    });

    it('refuses an unknown action', () => {
      assert.throws(
        () => parsePermission({ action: 'delete', resource: { type: 'buckets' } }),
        (e: unknown) => e instanceof ApiError && e.message === 'invalid action type for permission',
      );
    });

    it('refuses a malformed id', () => {
      assert.throws(
        () => parsePermission({ action: 'read', resource: { type: 'buckets', id: 'abc' } }),
        (e: unknown) =>
          e instanceof ApiError && e.message === 'invalid json structure: id must have a length of 16 bytes',
      );
    });
  });
});
