/**
 * Which HTTP requests a local server answers: only those addressed to one of its own host names (a page
 * cannot reach it through DNS rebinding) and none that another web site's page makes from the user's
 * browser (no CORS allowance, no preflight, no cross-site form post), except a plain navigation — a link
 * followed to the editor or the dashboard. Clients that are not browsers (devices, curl, InfluxDB clients)
 * send no `Origin` or `Sec-Fetch-*` headers and are judged by the server's own credentials only.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type Verdict = { allow: true } | { allow: false; status: number; reason: string };

export interface RequestFacts {
  method: string;
  headers: IncomingHttpHeaders;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** `allowedHosts`: host names (no port, lower case; IPv6 without brackets) this server answers to. */
export function checkRequest(request: RequestFacts, allowedHosts: ReadonlySet<string>): Verdict {
  const host = single(request.headers.host);
  if (!host) return refuse(400, 'the request has no Host header');
  const hostname = hostnameOf(host);
  if (hostname === undefined || !allowedHosts.has(hostname)) {
    return refuse(
      403,
      `Host "${host.slice(0, 100)}" is not one of this server's names (${[...allowedHosts].join(', ')}); ` +
        'add it with --allowed-hosts if it is yours',
    );
  }
  if (!isCrossOrigin(request.headers, host)) return { allow: true };
  const method = request.method.toUpperCase();
  if (method === 'OPTIONS') return refuse(403, 'cross-origin requests are not allowed (preflight refused)');
  if (SAFE_METHODS.has(method) && single(request.headers['sec-fetch-mode']) === 'navigate') return { allow: true };
  return refuse(403, 'cross-origin requests are not allowed');
}

/**
 * True when a browser made the request for a page of another origin. `Origin` is compared with the
 * (already checked) Host; without `Origin`, `Sec-Fetch-Site` tells (same-site is another port or
 * subdomain: still another origin).
 */
export function isCrossOrigin(headers: IncomingHttpHeaders, host: string): boolean {
  const origin = single(headers.origin);
  if (origin !== undefined) {
    if (origin === 'null') return true;
    try {
      const url = new URL(origin);
      return url.host.toLowerCase() !== host.toLowerCase() || !(url.protocol === 'http:' || url.protocol === 'https:');
    } catch {
      return true;
    }
  }
  const site = single(headers['sec-fetch-site']);
  return site === 'cross-site' || site === 'same-site';
}

/** `example.com:1880` → `example.com`; `[::1]:1880` → `::1`; undefined when it is not a host. */
export function hostnameOf(host: string): string | undefined {
  const text = host.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) return bracketed[1];
  const plain = /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(text);
  if (!plain) return undefined;
  return plain[1].replace(/\.$/, '');
}

/** Response headers that would let another origin read an answer or pass a preflight. */
export function isCorsHeader(name: string): boolean {
  return name.toLowerCase().startsWith('access-control-');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function refuse(status: number, reason: string): Verdict {
  return { allow: false, status, reason };
}
