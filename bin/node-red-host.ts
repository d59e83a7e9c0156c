/**
 * The Node-RED process of `iot-center start`: Node-RED embedded (its documented embedding API) behind the
 * request guard, so that no other web site can drive it from the user's browser. Node-RED's own `red.js`
 * offers no hook before its admin API, which answers every origin with `Access-Control-Allow-Origin: *`.
 *
 * Usage (by the launcher): node node-red-host.js --settings <settings.js> --allowed-hosts a,b,c
 */
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { guardRequests, guardUpgrades } from '../lib/http-guard/guard-server';
import { basicAuth, type BasicAuthUser } from './basic-auth';
import { loadModule } from './node-red-modules';

interface NodeRedSettings {
  uiHost: string;
  uiPort: number;
  userDir: string;
  httpAdminRoot?: string;
  httpNodeRoot?: string;
  /** Set when Node-RED is reachable from other machines: the dashboard and HTTP-in routes need this login. */
  httpNodeAuth?: BasicAuthUser;
  settingsFile?: string;
  [key: string]: unknown;
}

interface NodeRedRuntime {
  init(server: http.Server, settings: NodeRedSettings): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  httpAdmin: http.RequestListener;
  httpNode: http.RequestListener;
  log: { info(m: string): void; warn(m: string): void; error(m: string): void };
}

type Express = () => http.RequestListener & {
  use(path: string, handler: http.RequestListener | BasicAuthMiddleware): void;
  set(name: string, value: unknown): void;
};
type BasicAuthMiddleware = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

/**
 * IoT Center's device API answers devices, which authenticate with the provisioning key (checked by the
 * example flow), not with a person's login.
 */
const DEVICE_API_PREFIXES = ['/api/env/', '/api/devices'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { settings: { type: 'string', default: '' }, 'allowed-hosts': { type: 'string' } },
    strict: true,
  });
  const settingsFile = path.resolve(values.settings);
  const allowedHosts = new Set(
    (values['allowed-hosts'] ?? 'localhost,127.0.0.1,::1').split(',').filter((h) => h !== ''),
  );
  const RED = loadModule<NodeRedRuntime>('node-red');
  const express = loadModule<Express>('express');
  const settings = loadModule<NodeRedSettings>(settingsFile);
  settings.settingsFile = settingsFile;
  settings.httpAdminRoot ??= '/';
  settings.httpNodeRoot ??= '/';

  const app = express();
  app.set('x-powered-by', false);
  let refusals = 0;
  const guard = {
    allowedHosts,
    // One line per refusal is enough to see an attack or a misconfigured host name, and bounded.
    onRefused: (req: http.IncomingMessage, reason: string) => {
      if (++refusals <= 20) RED.log.warn(`[iot-center] refused ${req.method} ${req.url?.split('?')[0]}: ${reason}`);
    },
  };
  const server = http.createServer(guardRequests((req, res) => app(req, res), guard));
  guardUpgrades(server, guard);

  RED.init(server, settings);
  app.use(settings.httpAdminRoot, RED.httpAdmin);
  if (settings.httpNodeAuth) {
    const login = basicAuth(settings.httpNodeAuth, (url) => DEVICE_API_PREFIXES.some((p) => url.startsWith(p)));
    app.use(settings.httpNodeRoot, login);
  }
  app.use(settings.httpNodeRoot, RED.httpNode);

  process.on('uncaughtException', (err) => {
    RED.log.error(`[red] Uncaught Exception: ${err.stack ?? err.message}`);
    process.exit(1);
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    RED.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);

  await RED.start();
  server.on('error', (err: NodeJS.ErrnoException) => {
    RED.log.error(`cannot listen on ${settings.uiHost}:${settings.uiPort}: ${err.code ?? err.message}`);
    process.exit(1);
  });
  server.listen(settings.uiPort, settings.uiHost, () => {
    const shown = settings.uiHost.includes(':') ? `[${settings.uiHost}]` : settings.uiHost;
    RED.log.info(`Server now running at http://${shown}:${settings.uiPort}${settings.httpAdminRoot ?? '/'}`);
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`node-red: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
