/**
 * Where the worker's entry file is and how to start it: the compiled `worker.js` beside this file
 * under dist/, or, when the emulator runs from its TypeScript sources (tests, `tsx`), `worker.ts`
 * with tsx's CommonJS hook loaded into the thread (a worker does not inherit a hook registered at
 * runtime, and the ESM `--import tsx` path cannot load a .ts worker entry on Node 20).
 */
import path from 'node:path';

export interface WorkerEntry {
  file: string;
  execArgv?: string[];
}

export function workerEntry(): WorkerEntry {
  const fromSources = path.extname(__filename) === '.ts';
  const file = path.join(__dirname, fromSources ? 'worker.ts' : 'worker.js');
  return fromSources ? { file, execArgv: ['--require', require.resolve('tsx/cjs')] } : { file };
}
