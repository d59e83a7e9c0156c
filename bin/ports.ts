import net from 'node:net';

/** Fails with an actionable message when the port is taken, before anything else starts. */
export async function ensurePortFree(host: string, port: number, what: string, flag: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} on ${host} is busy, so the ${what} cannot start: stop what uses it or pass ${flag} <port>`,
            )
          : e,
      );
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** A free TCP port on the host (for tests and `--port 0`). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
