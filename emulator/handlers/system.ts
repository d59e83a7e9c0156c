/** `/ping`, `/health`, `/ready`: no token, fixed shapes (OSS http/legacy/ping_handler.go, http/health.go, http/ready.go). */
import type { Reply, RequestContext } from '../http/context';
import { reply } from '../http/context';
import { goDuration, rfc3339Nano } from '../http/format';
import type { Route } from '../http/router';

/** The commit of OSS v2.7.12, reported by `/health` as OSS reports its own. */
const OSS_COMMIT = 'ec9dcde5d6';

function ping(): Reply {
  return reply.empty(204);
}

/** OSS writes this with Fprintf, spacing and trailing newline included. */
function health(ctx: RequestContext): Reply {
  const body =
    `{"name":"influxdb", "message":"ready for queries and writes", "status":"pass", "checks":[], ` +
    `"version": ${JSON.stringify(ctx.state.options.version)}, "commit": "${OSS_COMMIT}"}\n`;
  return { kind: 'text', status: 200, contentType: 'application/json; charset=utf-8', body, gzip: false };
}

/** `json.Encoder` with a four-space indent. */
function ready(ctx: RequestContext): Reply {
  const started = ctx.state.startedAt;
  const startedNs = BigInt(started.getTime()) * 1_000_000n;
  const upNs = ctx.state.nowNs() - startedNs;
  const body =
    JSON.stringify({ status: 'ready', started: rfc3339Nano(startedNs), up: goDuration(upNs) }, null, 4) + '\n';
  return { kind: 'text', status: 200, contentType: 'application/json; charset=utf-8', body, gzip: false };
}

export const systemRoutes: Route[] = [
  { method: 'GET', path: '/ping', handler: ping },
  { method: 'HEAD', path: '/ping', handler: ping },
  { method: 'GET', path: '/health', handler: health },
  { method: 'HEAD', path: '/health', handler: health },
  { method: 'GET', path: '/ready', handler: ready },
  { method: 'HEAD', path: '/ready', handler: ready },
];
