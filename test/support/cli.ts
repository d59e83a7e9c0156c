/** Runs the `iot-center` command as a real child process: from sources (through tsx), or as built (dist/). */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(REPO_ROOT, 'bin', 'iot-center.ts');
const BUILT_CLI = path.join(REPO_ROOT, 'dist', 'bin', 'iot-center.js');

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first output line matching the pattern; rejects if the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited(): Promise<number | null>;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  return spawnCli(['--import', 'tsx', CLI, ...args], env);
}

/** As installed: the built command without tsx (the benchmarks measure what users run; needs `npm run build`). */
export function runBuiltCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  return spawnCli([BUILT_CLI, ...args], env);
}

function spawnCli(nodeArgs: string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, nodeArgs, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    listeners.forEach((l) => l());
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited: () => exit,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) {
            done();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`));
        }, timeoutMs);
        const onExit = (code: number | null) => {
          done();
          reject(new Error(`process exited (${code}) before printing ${pattern}; output:\n${text}`));
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
  };
}
