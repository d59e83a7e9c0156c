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
import { CHUNKS_IN_FLIGHT, type FromWorker, type ToWorker, type WorkerInit } from './protocol';
import { workerFluxContext, type WriteLine } from './worker-context';

/**
 * On Linux a nice value belongs to a thread, so this lowers this query thread alone: when the cores
 * are short, the scheduler gives the main thread (writes, /health) about ten times a query thread's
 * share (CFS weights 1024 : 110), so a dashboard never holds up a write for long. Not lower than 10:
 * on a machine busy with other programs a query must still make progress. Elsewhere a nice value
 * would lower the whole process, so it is left alone there.
 */
const QUERY_THREAD_NICE = 10;
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

const flow = new Int32Array(init.flow);
const encoder = new TextEncoder();

const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/**
 * Waits (blocking: evaluation is synchronous) until the response has taken all but CHUNKS_IN_FLIGHT
 * of the chunks sent. The timeout only bounds each wait; a terminate() (cancel) ends it too.
 */
function waitForRoom(sent: number): void {
  for (;;) {
    const taken = Atomics.load(flow, 0);
    if (sent - taken < CHUNKS_IN_FLIGHT) return;
    Atomics.wait(flow, 0, taken, 1000);
  }
}

port.on('message', (message: ToWorker) => {
  const { job } = message;
  const ctx = workerFluxContext(job, points, line);
  let sent = 0;
  const emit = (text: string) => {
    waitForRoom(sent);
    const bytes = encoder.encode(text);
    sent++;
    send({ type: 'chunk', id: job.id, bytes }, [bytes.buffer as ArrayBuffer]);
  };
  evaluate(job, ctx, emit).then(
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
