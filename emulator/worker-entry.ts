/**
 * Where a worker thread's entry file is and how to start it: the compiled `<name>.js` under dist/, or,
 * when the emulator runs from its TypeScript sources (tests, `tsx`), `<name>.ts` with tsx's CommonJS
 * hook loaded into the thread (a worker does not inherit a hook registered at runtime, and the ESM
 * `--import tsx` path cannot load a .ts worker entry on Node 20). The one place that asks for tsx, so an
 * installed package (compiled, no tsx) never does.
 */
import path from 'node:path';

export interface WorkerEntry {
  file: string;
  execArgv?: string[];
}

/** The entry `name` (without extension) in `dir`, the caller's `__dirname`. */
export function workerEntry(dir: string, name: string): WorkerEntry {
  const fromSources = path.extname(__filename) === '.ts';
  const file = path.join(dir, `${name}${fromSources ? '.ts' : '.js'}`);
  return fromSources ? { file, execArgv: ['--require', require.resolve('tsx/cjs')] } : { file };
}
