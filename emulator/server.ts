/**
 * The HTTP server of the emulator: the request pipeline on a node:http server, with a close that stops
 * accepting, ends idle keep-alive sockets at once and busy ones after a short grace, and never hangs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROUTES } from './handlers';
import { createRequestListener } from './http/pipeline';
import type { Route } from './http/router';
import { Router } from './http/router';
import type { EmulatorState } from './state';

/** In-flight requests get this long to finish once close() is called. */
const CLOSE_GRACE_MS = 2000;

export interface EmulatorServer {
  server: http.Server;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export function createEmulatorServer(state: EmulatorState, extraRoutes: Route[] = []): EmulatorServer {
  const router = new Router([...ROUTES, ...extraRoutes]);
  const server = http.createServer(createRequestListener(state, router));
  // Shorter than the clients' idle timeouts would be pointless; longer keeps sockets around for nothing.
  server.keepAliveTimeout = 5000;
  let closing: Promise<void> | undefined;

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
