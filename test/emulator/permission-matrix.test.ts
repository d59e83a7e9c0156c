import assert from 'node:assert/strict';
import { AuthorizationsAPI, BucketsAPI } from '@influxdata/influxdb-client-apis';
import { type Onboarded, startOnboarded } from '../support/emulator';

/**
 * Who may do what, as InfluxDB 2.7 answers it. A cell is the status, then (for refusals) the message,
 * or for the list the number of authorizations the caller sees. Sources: http/write_handler.go
 * (403 on write), query bucket lookup through the authorized bucket service (404 `could not find
 * bucket`), authorization/middleware_auth.go + authorizer/ (401 `<perm> is unauthorized`, lists
 * filtered), http/delete_handler.go (403), http/authentication_middleware.go (401 for an unknown token).
 * `<org>`, `<auth>` stand for the org's and the deleted authorization's IDs. The operator lists 4:
 * its own and the three device tokens that still exist (cells run in table order).
 */
type Operation = 'writeOwn' | 'writeOther' | 'queryOwn' | 'listAuths' | 'createAuth' | 'deleteAuth' | 'deleteData';
type TokenKind = 'operator' | 'device write-only' | 'device read+write' | 'inactive' | 'deleted';

const WRITE_FORBIDDEN = '403 insufficient permissions for write';
const INACTIVE_WRITE = '403 insufficient permissions for write: token is inactive';
const NO_BUCKET = '404 could not find bucket "my-bucket"';
const CREATE_UNAUTHORIZED = '401 write:orgs/<org>/authorizations is unauthorized';
const DELETE_UNAUTHORIZED = '401 write:orgs/<org>/authorizations/<auth> is unauthorized';
const UNKNOWN_TOKEN = '401 unauthorized access';

// prettier-ignore
const MATRIX: Record<TokenKind, Record<Operation, string>> = {
  'operator':          { writeOwn: '204',            writeOther: '204',           queryOwn: '200',     listAuths: '200 (4 seen)', createAuth: '201',               deleteAuth: '204',               deleteData: '204' },
  'device write-only': { writeOwn: '204',            writeOther: WRITE_FORBIDDEN, queryOwn: NO_BUCKET, listAuths: '200 (0 seen)', createAuth: CREATE_UNAUTHORIZED, deleteAuth: DELETE_UNAUTHORIZED, deleteData: '204' },
  'device read+write': { writeOwn: '204',            writeOther: WRITE_FORBIDDEN, queryOwn: '200',     listAuths: '200 (0 seen)', createAuth: CREATE_UNAUTHORIZED, deleteAuth: DELETE_UNAUTHORIZED, deleteData: '204' },
  'inactive':          { writeOwn: INACTIVE_WRITE,   writeOther: INACTIVE_WRITE,  queryOwn: NO_BUCKET, listAuths: '200 (0 seen)', createAuth: '401 token is inactive', deleteAuth: '401 token is inactive', deleteData: '403 insufficient permissions to delete' },
  'deleted':           { writeOwn: UNKNOWN_TOKEN,    writeOther: UNKNOWN_TOKEN,   queryOwn: UNKNOWN_TOKEN, listAuths: UNKNOWN_TOKEN, createAuth: UNKNOWN_TOKEN, deleteAuth: UNKNOWN_TOKEN,     deleteData: UNKNOWN_TOKEN },
};

describe('permission matrix: token kinds × operations, as InfluxDB 2.7 answers', () => {
  let env: Onboarded;
  const tokens = {} as Record<TokenKind, string>;
  before(async () => {
    env = await startOnboarded();
    await new BucketsAPI(env.influx).postBuckets({ body: { orgID: env.orgID, name: 'other' } });
    const auths = new AuthorizationsAPI(env.influx);
    const onBucket = (action: 'read' | 'write') => ({
      action,
      resource: { type: 'buckets' as const, id: env.bucketID, orgID: env.orgID },
    });
    const create = async (actions: ('read' | 'write')[]) =>
      auths.postAuthorizations({ body: { orgID: env.orgID, permissions: actions.map(onBucket) } });
    tokens.operator = env.token;
    tokens['device write-only'] = (await create(['write'])).token as string;
    tokens['device read+write'] = (await create(['read', 'write'])).token as string;
    const inactive = await create(['read', 'write']);
    await auths.patchAuthorizationsID({ authID: inactive.id as string, body: { status: 'inactive' } });
    tokens.inactive = inactive.token as string;
    const deleted = await create(['read', 'write']);
    await auths.deleteAuthorizationsID({ authID: deleted.id as string });
    tokens.deleted = deleted.token as string;
  });
  after(() => env.emulator.close());

  /** A fresh authorization (made by the operator) for the "delete authorization" column to delete. */
  const spareAuthorization = async (): Promise<string> => {
    const created = await new AuthorizationsAPI(env.influx).postAuthorizations({
      body: {
        orgID: env.orgID,
        permissions: [{ action: 'read', resource: { type: 'buckets', id: env.bucketID, orgID: env.orgID } }],
      },
    });
    return created.id as string;
  };

  const send = async (op: Operation, token: string): Promise<{ res: Response; authID?: string }> => {
    const url = env.emulator.url;
    const headers = { authorization: `Token ${token}` };
    const json = { ...headers, 'content-type': 'application/json' };
    switch (op) {
      case 'writeOwn':
      case 'writeOther': {
        const bucket = op === 'writeOwn' ? 'my-bucket' : 'other';
        const res = await fetch(`${url}/api/v2/write?org=my-org&bucket=${bucket}`, {
          method: 'POST',
          headers,
          body: 'environment,clientId=dev1 Temperature=21 1700000000000000000',
        });
        return { res };
      }
      case 'queryOwn':
        return {
          res: await fetch(`${url}/api/v2/query?org=my-org`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/vnd.flux' },
            body: 'from(bucket: "my-bucket") |> range(start: 0)',
          }),
        };
      case 'listAuths':
        return { res: await fetch(`${url}/api/v2/authorizations`, { headers }) };
      case 'createAuth':
        return {
          res: await fetch(`${url}/api/v2/authorizations`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({
              orgID: env.orgID,
              permissions: [{ action: 'write', resource: { type: 'buckets', id: env.bucketID, orgID: env.orgID } }],
            }),
          }),
        };
      case 'deleteAuth': {
        const authID = await spareAuthorization();
        return { res: await fetch(`${url}/api/v2/authorizations/${authID}`, { method: 'DELETE', headers }), authID };
      }
      case 'deleteData':
        return {
          res: await fetch(`${url}/api/v2/delete?org=my-org&bucket=my-bucket`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ start: '1970-01-01T00:00:00Z', stop: '1970-01-01T00:00:01Z' }),
          }),
        };
    }
  };

  /** The cell's text for a response: status, and the message (or how many authorizations are listed). */
  const cell = async (op: Operation, res: Response, authID?: string): Promise<string> => {
    const text = await res.text();
    if (res.status >= 400) {
      const message = (JSON.parse(text) as { message: string }).message
        .replaceAll(env.orgID, '<org>')
        .replaceAll(authID ?? '<none>', '<auth>');
      return `${res.status} ${message}`;
    }
    if (op === 'listAuths') {
      const listed = (JSON.parse(text) as { authorizations: unknown[] }).authorizations;
      return `${res.status} (${listed.length} seen)`;
    }
    return String(res.status);
  };

  for (const [kind, row] of Object.entries(MATRIX) as [TokenKind, Record<Operation, string>][]) {
    for (const [op, expected] of Object.entries(row) as [Operation, string][]) {
      it(`${kind} × ${op} → ${expected}`, async () => {
        const { res, authID } = await send(op, tokens[kind]);
        assert.equal(await cell(op, res, authID), expected);
      });
    }
  }

  it('covers every token kind and every operation', () => {
    assert.equal(Object.keys(MATRIX).length, 5);
    for (const row of Object.values(MATRIX)) assert.equal(Object.keys(row).length, 7);
  });
});
