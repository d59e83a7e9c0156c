/**
 * `POST /api/v2/write` (OSS http/write_handler.go `handleWrite`), checks in OSS's order: precision,
 * bucket given, gzip header, org, bucket, permission, body size/decoding, parse (all or nothing), then
 * storage (422 partial write for retention drops and field type conflicts), 204.
 */
import type { Caller } from '../auth/caller';
import { bucketPermission } from '../auth/authorizer';
import { evaluate } from '../auth/permissions';
import { ApiError } from '../errors';
import { gunzip, hasGzipHeader, isGzipEncoding, readRawBody, type RawBody } from '../http/body';
import type { Reply, RequestContext } from '../http/context';
import { callerOf, reply } from '../http/context';
import { goDuration, rfc3339Nano } from '../http/format';
import { INTERNAL_ERROR_MESSAGE } from '../http/messages';
import type { Route } from '../http/router';
import { isPrecision, parseWriteBody } from '../lineprotocol/parse';
import { PointBatchPool } from '../lineprotocol/batch-pool';
import { goQuote } from '../lineprotocol/bytes';
import {
  type Bucket,
  type FieldType,
  MAX_FIELD_VALUE_LENGTH,
  type PointRejection,
  type WriteOutcome,
} from '../storage/types';
import { bucketFromParam, orgFromQuery } from './lookup';

/** Parsed bodies reuse the arrays of the ones before (the emulator's requests share one process). */
const writeBatches = new PointBatchPool();

async function write(ctx: RequestContext): Promise<Reply> {
  const caller = callerOf(ctx);
  const { state } = ctx;
  const precision = ctx.query.get('precision') || 'ns';
  if (!isPrecision(precision)) {
    throw new ApiError('invalid', 'invalid precision; valid precision units are ns, us, ms, and s');
  }
  const bucketRef = ctx.query.get('bucket') ?? '';
  if (bucketRef === '') throw new ApiError('not found', 'bucket not found');
  const gzipped = isGzipEncoding(ctx.req);
  const limit = state.options.maxBodyBytes;
  const raw = await readRawBody(ctx.req, gzipped ? compressedCap(limit) : limit);
  // Go's gzip.NewReader fails on a bad header before anything else is looked at, as a plain error.
  if (gzipped && !hasGzipHeader(raw.data)) throw new ApiError('internal error', INTERNAL_ERROR_MESSAGE);
  const org = orgFromQuery(state.meta, ctx.query);
  const bucket = bucketFromParam(state.meta, org.id, bucketRef);
  checkWritePermission(caller, bucket);
  const body = await decodeBody(raw, gzipped, limit);
  // OSS http/points/points_parser.go: an empty body is refused before parsing.
  if (body.length === 0) throw new ApiError('invalid', 'writing requires points');
  const nowNs = state.nowNs();
  // Parsed as bytes, as OSS does: decoding first would turn invalid UTF-8 into U+FFFD, hiding the
  // reserved tag key 0xff and changing byte lengths.
  const batch = writeBatches.acquire();
  let outcome: WriteOutcome;
  try {
    const { errors } = parseWriteBody(body, precision, nowNs, { into: batch });
    if (errors.length > 0) throw new ApiError('invalid', errors.join('\n'));
    outcome = state.points.write(bucket.id, batch, bucket.retentionSeconds, nowNs);
  } finally {
    // The store has written the batch (or the write failed): nothing reads it any more.
    writeBatches.release(batch);
  }
  const partial = partialWriteReason(outcome, bucket);
  if (partial)
    throw new ApiError('unprocessable entity', `failure writing points to database: partial write: ${partial}`);
  return reply.empty(204);
}

/** A compressed body this much over the limit cannot inflate to less than the limit. */
function compressedCap(limit: number): number {
  return limit === 0 ? 0 : limit + Math.ceil(limit / 100) + 1024;
}

function checkWritePermission(caller: Caller, bucket: Bucket): void {
  const verdict = evaluate(caller.authorization, bucketPermission('write', bucket));
  if (verdict.allowed) return;
  const suffix = verdict.reason === 'inactive' ? ': token is inactive' : '';
  throw new ApiError('forbidden', `insufficient permissions for write${suffix}`);
}

async function decodeBody(raw: RawBody, gzipped: boolean, limit: number): Promise<Buffer> {
  const tooLarge = () => new ApiError('request too large', 'unable to read data: points batch is too large');
  if (raw.overLimit) throw tooLarge();
  if (!gzipped) return raw.data;
  const result = await gunzip(raw.data, limit);
  if (result.ok) return result.data;
  const failure = result.failure;
  if (failure.kind === 'too large') throw tooLarge();
  // OSS maps gzip header/checksum errors to 400 and any other read error to 500.
  const code = failure.kind === 'other' ? 'internal error' : 'invalid';
  throw new ApiError(code, `unable to read data: ${failure.goMessage}`);
}

/** Go's influxql type names, as the field validator prints them. */
const GO_TYPE: Record<FieldType, string> = {
  double: 'float',
  long: 'integer',
  unsignedLong: 'unsigned',
  string: 'string',
  boolean: 'boolean',
};

/**
 * OSS PartialWriteError text (tsdb/shard.go `PartialWriteError.Error`). A point the storage engine
 * refused is reported in preference to retention drops, as the shard's error wins over the
 * coordinator's (v1/coordinator/points_writer.go `WritePointsPrivileged`); the shard reports its
 * first reason and the count of every point it dropped, without database and retention policy.
 */
export function partialWriteReason(outcome: WriteOutcome, bucket: Bucket): string | undefined {
  if (outcome.firstRejection) return `${rejectionReason(outcome.firstRejection)} dropped=${outcome.rejectedPoints}`;
  const dropped = outcome.droppedOutsideRetention;
  if (dropped === 0) return undefined;
  const oldest = outcome.oldestDropped === undefined ? '' : rfc3339Nano(outcome.oldestDropped);
  const newest = outcome.newestDropped === undefined ? '' : rfc3339Nano(outcome.newestDropped);
  const duration = goDuration(BigInt(bucket.retentionSeconds) * 1_000_000_000n);
  return (
    `dropped ${dropped} points outside retention policy of duration ${duration} - oldest ${oldest}, newest ${newest} ` +
    `dropped=${dropped} for database: ${bucket.id} for retention policy: autogen`
  );
}

/** The reasons of OSS tsdb/shard.go `validateSeriesAndFields` and tsdb/field_validator.go, word for word. */
function rejectionReason(r: PointRejection): string {
  switch (r.kind) {
    case 'time field':
      // Quoted with "%s", not %q, in OSS.
      return `invalid field name: input field "time" on measurement "${r.measurement}" is invalid`;
    case 'too long':
      return `input field ${goQuote(r.field)} on measurement ${goQuote(r.measurement)} is too long, ${r.bytes} > ${MAX_FIELD_VALUE_LENGTH}`;
    case 'type conflict':
      return (
        `field type conflict: input field ${goQuote(r.field)} on measurement ${goQuote(r.measurement)} ` +
        `is type ${GO_TYPE[r.type]}, already exists as type ${GO_TYPE[r.existing]}`
      );
  }
}

export const writeRoutes: Route[] = [{ method: 'POST', path: '/api/v2/write', handler: write }];
