/**
 * What the emulator keeps, behind interfaces so handlers and the Flux engine never see SQL.
 * `storage/sqlite/*` implements them with better-sqlite3 (a file in the data dir, or `:memory:`).
 */
import type { Cell, ColumnType } from '../flux/table';
import type { PointBatch } from './point-batch';

// ---- metadata ---------------------------------------------------------------------------------

export interface Org {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export interface User {
  id: string;
  name: string;
  status: 'active' | 'inactive';
  /** Kept only so that onboarding looks complete; never checked (no signin endpoint). */
  passwordSet: boolean;
}

export interface RetentionRule {
  type: 'expire';
  everySeconds: number;
  shardGroupDurationSeconds: number;
}

export interface Bucket {
  id: string;
  orgID: string;
  name: string;
  description?: string;
  type: 'user' | 'system';
  /** 0 = keep forever. */
  retentionSeconds: number;
  shardGroupDurationSeconds: number;
  createdAt: string;
  updatedAt: string;
}

export type Action = 'read' | 'write';

export interface Resource {
  type: string;
  id?: string;
  orgID?: string;
}

export interface Permission {
  action: Action;
  resource: Resource;
}

export interface Authorization {
  id: string;
  token: string;
  status: 'active' | 'inactive';
  description: string;
  orgID: string;
  userID: string;
  permissions: Permission[];
  createdAt: string;
  updatedAt: string;
}

export interface Task {
  id: string;
  orgID: string;
  ownerID: string;
  /** The authorization whose permissions the task's runs have (the token that created it, as in OSS). */
  authorizationID?: string;
  name: string;
  description?: string;
  status: 'active' | 'inactive';
  flux: string;
  every?: string;
  cron?: string;
  offset?: string;
  latestCompleted?: string;
  lastRunStatus?: 'success' | 'failed' | 'canceled';
  lastRunError?: string;
  createdAt: string;
  updatedAt: string;
}

/** Small documents kept by id; listing returns them in creation order. */
export interface MetadataStore {
  orgs: DocumentCollection<Org>;
  users: DocumentCollection<User>;
  buckets: DocumentCollection<Bucket>;
  authorizations: DocumentCollection<Authorization>;
  tasks: DocumentCollection<Task>;
}

export interface DocumentCollection<T extends { id: string }> {
  get(id: string): T | undefined;
  list(): T[];
  /** Inserts or replaces. */
  put(doc: T): void;
  delete(id: string): boolean;
}

// ---- points -----------------------------------------------------------------------------------

export type FieldType = Exclude<ColumnType, 'dateTime:RFC3339'>;

/** One field of one point, as parsed from line protocol. Tags are sorted by key. */
export interface FieldValue {
  type: FieldType;
  value: Cell;
}

/**
 * InfluxDB's largest string field value, in bytes (OSS tsdb/field_validator.go `MaxFieldValueLength`);
 * a point with a longer one is dropped by the storage engine (a partial write).
 */
export const MAX_FIELD_VALUE_LENGTH = 1048576;

/** One field as its line gave it. */
export interface LineField {
  key: string;
  value: FieldValue;
  /** Bytes of a string value as sent and unescaped, set when it may exceed MAX_FIELD_VALUE_LENGTH. */
  bytes?: number;
}

export interface Point {
  measurement: string;
  /** Sorted by key (byte order). */
  tags: [string, string][];
  /** The value of each field key; a key given twice keeps its last value. */
  fields: Map<string, FieldValue>;
  /** Nanoseconds since the epoch. */
  time: bigint;
  /**
   * Every field in line order, repeated keys included, set by the line protocol parser only when
   * `fields` cannot tell what OSS's storage engine checks field by field: a key given twice (possibly
   * with two types) or a string value that may be too long. Without it `fields` is the line.
   */
  lineFields?: LineField[];
}

/** Why the storage engine refused a point (OSS tsdb/shard.go `validateSeriesAndFields`). */
export type PointRejection =
  /** Its only fields are named `time`, which InfluxDB never stores. */
  | { kind: 'time field'; measurement: string }
  | { kind: 'too long'; measurement: string; field: string; bytes: number }
  | { kind: 'type conflict'; measurement: string; field: string; type: FieldType; existing: FieldType };

export interface WriteOutcome {
  /** Points dropped because they are outside the bucket's retention. */
  droppedOutsideRetention: number;
  oldestDropped?: bigint;
  newestDropped?: bigint;
  /** Points the storage engine refused, whole; the reason OSS reports is the first one's. */
  rejectedPoints: number;
  firstRejection?: PointRejection;
  /** The points refused for a field type conflict, by measurement, field and type. */
  typeConflicts: { field: string; measurement: string; type: FieldType; existing: FieldType; dropped: number }[];
}

/** Narrowing hints pushed down from `from() |> range() |> filter()`; every field is optional. */
export interface SeriesSelector {
  bucketId: string;
  /** Inclusive start, exclusive stop, in nanoseconds. */
  start: bigint;
  stop: bigint;
  measurements?: string[];
  fields?: string[];
  /** tag key -> allowed values (a series must match one value for every listed key). */
  tags?: Record<string, string[]>;
  /** Only the earliest or the latest point of each series in the range (a selector pushed down). */
  only?: 'first' | 'last';
}

/** One series of one field: the unit a `from()` table is made from. */
export interface SeriesData {
  measurement: string;
  tags: [string, string][];
  field: string;
  type: FieldType;
  times: bigint[];
  values: Cell[];
}

export interface SeriesKey {
  measurement: string;
  tags: [string, string][];
  field: string;
  type: FieldType;
}

/**
 * A read cut into windows of a fixed grid: window k is [origin + k·every, origin + (k+1)·every). `origin` must be
 * at or before `start`, and (stop - origin) / every below 2^53 (window numbers are JS numbers).
 */
export interface WindowedSelector extends SeriesSelector {
  origin: bigint;
  every: bigint;
  /** Whether the values are wanted, or only how many points each window holds (enough for `count`). */
  values: boolean;
  /** Series for which this is false are left out before any window is reduced. */
  keep: (series: SeriesKey) => boolean;
}

/** One series' points in [start, stop), times as nanoseconds after `start` (numbers: the range must be under 2^53 ns). */
export interface SeriesOffsets extends SeriesKey {
  offsets: number[];
  values: Cell[];
}

/** One series' non-empty windows in order, each with what the caller's reduce made of its values. */
export interface SeriesWindows<R> extends SeriesKey {
  /** Window numbers (k), ascending. */
  windows: number[];
  results: R[];
}

export interface PointStore {
  /**
   * Writes in one transaction: all or nothing, last write wins per (series, field, time). A parsed
   * write body comes as its compact batch (lineprotocol/parse.ts `parseWriteBody`).
   */
  write(bucketId: string, points: Point[] | PointBatch, retentionSeconds: number, nowNs: bigint): WriteOutcome;
  /** Series (with their points in [start, stop)) that match the selector, ordered by series key. */
  read(selector: SeriesSelector): SeriesData[];
  /** As read, with times as offsets from the start (cheaper than bigints; for a range under 2^53 ns, about 104 days). */
  readOffsets(selector: SeriesSelector): SeriesOffsets[];
  /**
   * As read, cut into the windows of a grid (for a windowed aggregate): `reduce` gets each non-empty window's values
   * in time order (or as many nulls when values are not wanted); series without points are left out.
   */
  readWindows<R>(selector: WindowedSelector, reduce: (values: Cell[], series: SeriesKey) => R): SeriesWindows<R>[];
  /** Series keys of a bucket that match the selector's measurement/field/tag hints (ignores time). */
  seriesKeys(selector: Omit<SeriesSelector, 'start' | 'stop'>): SeriesKey[];
  /** Deletes points older than `beforeNs`; returns how many were removed. */
  deleteBefore(bucketId: string, beforeNs: bigint): number;
  /**
   * `POST /api/v2/delete`: in one transaction, deletes the points in [start, stop] (both inclusive, as
   * OSS) of the bucket's series that `matches` selects; returns how many. Series left without points
   * are forgotten, and so are field types no series uses any more, as OSS drops them from its index.
   */
  deleteRange(bucketId: string, start: bigint, stop: bigint, matches: (series: SeriesKey) => boolean): number;
  deleteBucket(bucketId: string): void;
}
