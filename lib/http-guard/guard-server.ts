/**
 * Puts the request policy in front of a node:http server: refused requests (and WebSocket upgrades) get a
 * JSON error and never reach the application, and no answer carries a CORS allowance, whatever the
 * application sets (Node-RED's admin API sets `Access-Control-Allow-Origin: *` on every route).
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { checkRequest, isCorsHeader } from './request-policy';

export interface GuardOptions {
  /** Host names the server answers to (see allowedHostsFor). */
  allowedHosts: ReadonlySet<string>;
  /** Told of each refusal, e.g. to log it (throttled by the caller if need be). */
  onRefused?: (request: http.IncomingMessage, reason: string) => void;
}

export function guardRequests(listener: http.RequestListener, options: GuardOptions): http.RequestListener {
  return (req, res) => {
    const verdict = checkRequest({ method: req.method ?? 'GET', headers: req.headers }, options.allowedHosts);
    if (!verdict.allow) {
      options.onRefused?.(req, verdict.reason);
      const body = JSON.stringify({ code: 'forbidden', message: verdict.reason });
      res.writeHead(verdict.status, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' });
      res.end(body);
      return;
    }
    withoutCorsHeaders(res);
    listener(req, res);
  };
}

/** WebSocket upgrades (Node-RED's /comms, the dashboards' socket.io) pass the same policy. */
export function guardUpgrades(server: http.Server, options: GuardOptions): void {
  const emit = server.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  server.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'upgrade') {
      const req = args[0] as http.IncomingMessage;
      const socket = args[1] as Duplex;
      const verdict = checkRequest({ method: req.method ?? 'GET', headers: req.headers }, options.allowedHosts);
      if (!verdict.allow) {
        options.onRefused?.(req, verdict.reason);
        const body = JSON.stringify({ code: 'forbidden', message: verdict.reason });
        socket.end(
          `HTTP/1.1 ${verdict.status} Forbidden\r\nContent-Type: application/json; charset=utf-8\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return true;
      }
    }
    return emit.call(this, event, ...args);
  } as typeof server.emit;
}

function withoutCorsHeaders(res: http.ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) =>
    isCorsHeader(name) ? res : setHeader(name, value)) as typeof res.setHeader;
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last === 'object' && last !== null && !Array.isArray(last)) {
      args[args.length - 1] = Object.fromEntries(
        Object.entries(last as Record<string, unknown>).filter(([name]) => !isCorsHeader(name)),
      );
    }
    return writeHead(...args);
  }) as typeof res.writeHead;
}
