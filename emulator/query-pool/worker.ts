/**
 * A query worker thread: opens the database read-only (WAL lets it read while the main thread
 * writes), then runs the jobs it is sent one at a time and streams their CSV back.
 */
import os from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ApiError } from '../errors';
import { fluxSyntaxErrors } from '../flux/engine';
import { INTERNAL_ERROR_MESSAGE } from '../http/messages';
import { openReadOnlyPoints } from '../storage/sqlite/open';
import { evaluate } from './evaluate';
import type { FromWorker, ToWorker, WorkerInit } from './protocol';
import { workerFluxContext, type WriteLine } from './worker-context';

/**
 * On Linux a nice value belongs to a thread, so this lowers this query thread alone: when the cores
 * are short, the main thread (writes, /health) gets about three times a query thread's share. Not
 * more: on a machine busy with other programs a deeply niced query would starve. Elsewhere a nice
 * value would lower the whole process, so it is left alone there.
 */
const QUERY_THREAD_NICE = 5;
if (process.platform === 'linux') {
  try {
    os.setPriority(0, QUERY_THREAD_NICE);
  } catch {
    // Not allowed here (e.g. a sandbox): queries then compete with writes as equals.
  }
}

const init = workerData as WorkerInit & { writePort: MessagePort };
const port = parentPort;
if (!port) throw new Error('emulator/query-pool/worker.ts runs as a worker thread only');
const points = openReadOnlyPoints(init.databaseFile);
const line: WriteLine = { port: init.writePort, signal: new Int32Array(init.signal) };

const send = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  const { job } = message;
  const ctx = workerFluxContext(job, points, line);
  evaluate(job, ctx, (text) => send({ type: 'chunk', id: job.id, text })).then(
    (error) => send({ type: 'done', id: job.id, ...(error ? { error: plain(error) } : {}) }),
    (err: unknown) => {
      // A bug, not a query error: logged here, hidden from the client as OSS hides internal errors.
      const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stderr.write(`influxdb emulator: query worker failed: ${detail}\n`);
      send({ type: 'done', id: job.id, error: { code: 'internal error', message: INTERNAL_ERROR_MESSAGE } });
    },
  );
});

function plain(error: ApiError): { code: ApiError['code']; message: string } {
  return { code: error.code, message: error.message };
}

// Loads the engine and compiles the Flux parser's wasm now, so the first query does not wait for it.
fluxSyntaxErrors('x = 1');
send({ type: 'ready' });
