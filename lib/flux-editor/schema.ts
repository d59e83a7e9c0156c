/**
 * Names for schema-aware completion in the Flux editor: buckets, measurements, fields, tag keys and tag
 * values, read with the Flux schema package (as the InfluxDB UI does). Every user value reaches Flux
 * through the client's `flux` template.
 */
import { flux, type ParameterizedQuery, type QueryApi } from '@influxdata/influxdb-client';
import { firstRows } from './first-rows';

export const SCHEMA_KINDS = ['buckets', 'measurements', 'fields', 'tagKeys', 'tagValues'] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

export interface SchemaRequest {
  kind: SchemaKind;
  /** Required for all kinds but `buckets`. */
  bucket?: string;
  /** Narrows fields, tag keys and tag values to one measurement. */
  measurement?: string;
  /** Required for `tagValues`. */
  tag?: string;
}

/** How many names a list holds at most: completion is for picking, not for browsing a whole series index. */
export const SCHEMA_LIMIT = 1000;

/** Columns every row has; tag-key lists leave them out, since the editor offers them anyway. */
const BUILT_IN_COLUMNS = new Set(['_start', '_stop', '_time', '_value', '_field', '_measurement']);

export class SchemaRequestError extends Error {
  readonly code = 'invalid_schema_request';
  constructor(message: string) {
    super(message);
    this.name = 'SchemaRequestError';
  }
}

export function isSchemaKind(value: unknown): value is SchemaKind {
  return SCHEMA_KINDS.some((kind) => kind === value);
}

/** The Flux that lists `request.kind`; throws SchemaRequestError when a needed name is missing. */
export function schemaQuery(request: SchemaRequest): ParameterizedQuery {
  if (request.kind === 'buckets')
    return flux`buckets() |> keep(columns: ["name"]) |> rename(columns: {name: "_value"})`;
  const bucket = required(request.bucket, 'bucket');
  const measurement = request.measurement?.trim() || undefined;
  const schema = flux`import "influxdata/influxdb/schema"\n`;
  switch (request.kind) {
    case 'measurements':
      return flux`${schema}schema.measurements(bucket: ${bucket})`;
    case 'fields':
      return measurement
        ? flux`${schema}schema.measurementFieldKeys(bucket: ${bucket}, measurement: ${measurement})`
        : flux`${schema}schema.fieldKeys(bucket: ${bucket})`;
    case 'tagKeys':
      return measurement
        ? flux`${schema}schema.measurementTagKeys(bucket: ${bucket}, measurement: ${measurement})`
        : flux`${schema}schema.tagKeys(bucket: ${bucket})`;
    case 'tagValues': {
      const tag = required(request.tag, 'tag');
      return measurement
        ? flux`${schema}schema.measurementTagValues(bucket: ${bucket}, measurement: ${measurement}, tag: ${tag})`
        : flux`${schema}schema.tagValues(bucket: ${bucket}, tag: ${tag})`;
    }
  }
}

/** The sorted, distinct names of `request.kind`, at most SCHEMA_LIMIT. */
export async function listSchema(api: QueryApi, request: SchemaRequest): Promise<string[]> {
  const preview = await firstRows(api, schemaQuery(request), SCHEMA_LIMIT);
  const at = preview.columns.indexOf('_value');
  if (at < 0) return [];
  const names = new Set<string>();
  for (const row of preview.rows) {
    const value = row[at];
    if (typeof value !== 'string' || value === '') continue;
    if (request.kind === 'tagKeys' && BUILT_IN_COLUMNS.has(value)) continue;
    names.add(value);
  }
  // System buckets (_monitoring, _tasks) last: users rarely want them.
  return [...names].sort((a, b) => Number(a.startsWith('_')) - Number(b.startsWith('_')) || a.localeCompare(b));
}

function required(value: string | undefined, name: string): string {
  const text = value?.trim();
  if (!text) throw new SchemaRequestError(`a ${name} is needed to list names of this kind`);
  return text;
}
