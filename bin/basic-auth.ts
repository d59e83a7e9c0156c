/**
 * HTTP Basic login for Node-RED's HTTP-in routes and dashboard when Node-RED is reachable from other
 * machines, checked against a bcrypt hash as Node-RED's own `httpNodeAuth` is.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { loadModule } from './node-red-modules';

export interface BasicAuthUser {
  user: string;
  /** bcrypt hash of the password. */
  pass: string;
}

type Middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

interface Bcrypt {
  compareSync(password: string, hash: string): boolean;
  hashSync(password: string, rounds: number): string;
}

/** bcryptjs comes with Node-RED (a devDependency: `iot-center start` runs only in the repository). */
export function bcrypt(): Bcrypt {
  return loadModule<Bcrypt>('bcryptjs');
}

/** `exempt(url)`: routes with their own credential (the device API and its provisioning key). */
export function basicAuth(account: BasicAuthUser, exempt: (url: string) => boolean): Middleware {
  const hasher = bcrypt();
  // bcrypt takes ~100 ms a check: remember the one password that matched (it cannot change while running).
  let knownGood: Buffer | undefined;
  const passwordMatches = (password: string): boolean => {
    const given = crypto.createHash('sha256').update(password).digest();
    if (knownGood && crypto.timingSafeEqual(given, knownGood)) return true;
    if (!hasher.compareSync(password, account.pass)) return false;
    knownGood = given;
    return true;
  };
  return (req, res, next) => {
    if (exempt(req.url ?? '/')) return next();
    const credentials = parseBasic(req.headers.authorization);
    if (credentials && sameText(credentials.user, account.user) && passwordMatches(credentials.pass)) return next();
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="IoT Center", charset="UTF-8"' });
    res.end();
  };
}

function parseBasic(header: string | undefined): { user: string; pass: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), pass: text.slice(colon + 1) };
}

function sameText(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}
