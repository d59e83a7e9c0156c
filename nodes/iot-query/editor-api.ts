/**
 * Admin endpoints of the iot-query dialog's Flux editor, on RED.httpAdmin so that the token stays in the
 * runtime: the editor names a deployed iot-influxdb config node and gets names or rows, never credentials.
 *   GET  iot-query/schema?config=<id>&kind=buckets|measurements|fields|tagKeys|tagValues[&bucket&measurement&tag]
 *        -> ["name", ...]                                          (permission iot-query.read)
 *   POST iot-query/run {config, flux, parameters: {bucket, deviceId, range, every, fields}, limit}
 *        -> {columns, rows, truncated}                             (permission iot-query.write: Flux can write)
 * A failure answers {error: {code, message, line?, column?, endLine?, endColumn?}}, with status 200 when it is
 * an answer to show (config node not deployed, InfluxDB refused the query or cannot be reached: the browser
 * would log any 4xx/5xx as a console error) and 400 for a request the editor never sends. A position is the
 * one InfluxDB reported, mapped back to the editor's lines.
 */
import type { NodeAPI } from 'node-red';
import {
  errorRange,
  firstRows,
  isSchemaKind,
  listSchema,
  rangeInWritten,
  SchemaRequestError,
} from '../../lib/flux-editor';
import { queryFailure, QueryParameterError } from '../../lib/query';
import type { InfluxConfigNode } from '../iot-influxdb/types';
import { buildQuery, type ParameterName, PARAMETERS } from './query-request';

/** Rows "Run" returns at most, whatever the editor asks: a preview must not flood the browser. */
export const MAX_RUN_ROWS = 1000;
const DEFAULT_RUN_ROWS = 100;

interface ApiFailure {
  error: { code: string; message: string; line?: number; column?: number; endLine?: number; endColumn?: number };
}

type Fields = Record<string, unknown>;

function fields(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function registerEditorApi(RED: NodeAPI): void {
  /** The deployed config node's connection, or the failure to answer. */
  function connectionOf(id: string): InfluxConfigNode['connection'] | ApiFailure {
    const node = id ? (RED.nodes.getNode(id) as InfluxConfigNode | null) : null;
    if (!node || !node.connection) {
      return { error: { code: 'not_deployed', message: RED._('iot-query.editor.not-deployed') } };
    }
    return node.connection;
  }

  /** A query or schema failure as the editor shows it; InfluxDB's position mapped to the written Flux. */
  function failure(e: unknown, sent?: string, written?: string): ApiFailure {
    if (e instanceof QueryParameterError || e instanceof SchemaRequestError)
      return { error: { code: e.code, message: e.message } };
    const error = queryFailure(e);
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'query_failed';
    const reported = errorRange(error.message);
    const range =
      reported && sent !== undefined && written !== undefined ? rangeInWritten(reported, sent, written) : reported;
    return { error: { code, message: error.message, ...(range ?? {}) } };
  }

  RED.httpAdmin.get('/iot-query/schema', RED.auth.needsPermission('iot-query.read'), (req, res) => {
    const query = fields(req.query);
    const kind = query.kind;
    if (!isSchemaKind(kind)) {
      res.status(400).json({ error: { code: 'invalid_schema_request', message: RED._('iot-query.editor.bad-kind') } });
      return;
    }
    const connection = connectionOf(text(query.config));
    if ('error' in connection) {
      res.json(connection);
      return;
    }
    Promise.resolve()
      .then(() =>
        listSchema(connection.queryApi(), {
          kind,
          bucket: text(query.bucket) || connection.bucket,
          measurement: text(query.measurement),
          tag: text(query.tag),
        }),
      )
      .then(
        (names) => res.json(names),
        (e: unknown) => {
          res.json(failure(e));
        },
      );
  });

  RED.httpAdmin.post('/iot-query/run', RED.auth.needsPermission('iot-query.write'), (req, res) => {
    const body = fields(req.body);
    const connection = connectionOf(text(body.config));
    if ('error' in connection) {
      res.json(connection);
      return;
    }
    const written = text(body.flux);
    const given = fields(body.parameters);
    const settings: Partial<Record<ParameterName, unknown>> = {};
    for (const name of PARAMETERS)
      if (typeof given[name] === 'string' && given[name] !== '') settings[name] = given[name];
    const asked =
      typeof body.limit === 'number' && Number.isInteger(body.limit) && body.limit > 0 ? body.limit : DEFAULT_RUN_ROWS;
    let sent: string | undefined;
    Promise.resolve()
      .then(() => {
        const query = buildQuery({
          source: 'flux',
          preset: '',
          flux: written,
          settings,
          fn: '',
          defaultBucket: connection.bucket,
          msg: {},
        });
        sent = query.toString();
        return firstRows(connection.queryApi(), query, Math.min(asked, MAX_RUN_ROWS));
      })
      .then(
        (preview) => res.json(preview),
        (e: unknown) => {
          res.json(failure(e, sent, written));
        },
      );
  });
}
