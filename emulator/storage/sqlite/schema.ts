/**
 * The SQLite schema. Points are stored one row per (series, time), where a series is one field of one
 * measurement + tag set: that is the unit a Flux `from()` table is made of, it keeps the field type on the
 * series, and a time-range scan of one device is an index range scan on the primary key.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS documents (
  kind TEXT NOT NULL,
  id   TEXT NOT NULL,
  seq  INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS series (
  id          INTEGER PRIMARY KEY,
  bucket_id   TEXT NOT NULL,
  measurement TEXT NOT NULL,
  tags        TEXT NOT NULL,  -- JSON array of [key, value] pairs sorted by key
  field       TEXT NOT NULL,
  type        TEXT NOT NULL,
  UNIQUE (bucket_id, measurement, tags, field)
);
CREATE TABLE IF NOT EXISTS series_tags (
  series_id INTEGER NOT NULL,
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (series_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS series_tags_by_value ON series_tags (key, value, series_id);
CREATE TABLE IF NOT EXISTS field_types (
  bucket_id   TEXT NOT NULL,
  measurement TEXT NOT NULL,
  field       TEXT NOT NULL,
  type        TEXT NOT NULL,
  PRIMARY KEY (bucket_id, measurement, field)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS points (
  series_id INTEGER NOT NULL,
  time      INTEGER NOT NULL,
  value,                   -- no declared type: BLOB affinity keeps text, integers and reals exactly as given
  PRIMARY KEY (series_id, time)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS points_by_time ON points (time);
`;
