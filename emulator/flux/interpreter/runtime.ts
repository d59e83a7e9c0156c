/** One run of a script: the query context, the yields so far, and `now()` as the script set it. */
import type { FluxContext } from '../context';
import type { Loc } from '../parser/ast';
import { formatLoc } from '../parser/ast';
import type { TableStream } from '../stream';
import type { Environment } from './environment';
import { FluxError } from './errors';
import { callFunction } from './functions';
import type { Runtime, Value } from './values';
import { typeName } from './values';

export interface YieldEntry {
  name: string;
  stream: TableStream;
  loc: Loc;
}

const NO_LOC: Loc = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

export class FluxRuntime implements Runtime {
  readonly yields: YieldEntry[] = [];
  private readonly yielded = new Set<TableStream>();
  /** Set once the universe exists: `now()` reads the universe's (possibly re-optioned) `now`. */
  universe?: Environment;

  constructor(readonly context: FluxContext) {}

  now(): bigint {
    const f = this.universe?.get('now');
    if (!f || f.type !== 'function') return this.context.now;
    const v = callFunction(f.value, new Map(), undefined, { name: 'now', loc: NO_LOC, runtime: this });
    if (v.type !== 'time') throw new FluxError(`option now must be a function returning a time, got ${typeName(v)}`);
    return v.value;
  }

  option(name: string): Value | undefined {
    return this.universe?.get(name);
  }

  addYield(name: string, stream: TableStream, loc: Loc): void {
    if (this.yields.some((y) => y.name === name)) {
      throw new FluxError(
        `error ${formatLoc(loc)}: duplicate yield name "${name}": give each yield() its own name`,
        'invalid',
        true,
      );
    }
    this.yields.push({ name, stream, loc });
    this.yielded.add(stream);
  }

  isYielded(stream: TableStream): boolean {
    return this.yielded.has(stream);
  }
}
