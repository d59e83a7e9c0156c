/**
 * Line protocol write bodies, parsed as InfluxDB OSS 2.x does (models/points.go
 * `ParsePointsWithPrecision`): lines split by `scanLine` (a newline inside a quoted string value does
 * not end a line), blank and `#` lines skipped, and one `unable to parse '<line>': <reason>` per bad line.
 */
import { PointBatch } from '../storage/point-batch';
import type { Point } from '../storage/types';
import { Body } from './bytes';
import { PlainLineParser } from './plain-line';
import { PointParser, skipWhitespace } from './point';
import { type Precision, isPrecision, precisionMultiplier, truncateToPrecision } from './precision';

export type { Precision };
export { isPrecision };

const NEWLINE = 10;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const EQUALS = 61;
const BACKSLASH = 92;

/** As parseWriteBody, with the points as `Point` objects (for tests and callers that want them one by one). */
export function parseLineProtocol(
  input: Buffer | string,
  precision: Precision,
  nowNs: bigint,
): { points: Point[]; errors: string[] } {
  const { batch, errors } = parseWriteBody(input, precision, nowNs);
  return { points: batch.points(), errors };
}

/**
 * Parses a whole write body, as bytes (a string is taken as its UTF-8 bytes). `nowNs` is the server
 * time used for lines without a timestamp (truncated to the precision). Returns every good point, in
 * a compact batch (`options.into`, an empty one from a pool, or a new one), and one error string per bad
 * line, each exactly `unable to parse '<line>': <reason>` as InfluxDB OSS words it. (OSS writes nothing
 * when any line fails; that decision is the caller's.)
 */
export function parseWriteBody(
  input: Buffer | string,
  precision: Precision,
  nowNs: bigint,
  options: ParseOptions = {},
): { batch: PointBatch; errors: string[] } {
  const batch = options.into ?? new PointBatch();
  const windowBytes = Math.max(1, options.windowBytes ?? WINDOW_BYTES);
  if (batch.length > 0) throw new Error('parseWriteBody: the batch to parse into is not empty');
  const multiplier = precisionMultiplier(precision);
  const defaultTime = truncateToPrecision(nowNs, precision);
  const body: BodyReader = {
    source: new Body(typeof input === 'string' ? Buffer.from(input, 'utf8') : input, windowBytes),
    parser: new PointParser(multiplier, defaultTime),
    plainParser: new PlainLineParser(batch, multiplier, defaultTime),
    batch,
    errors: [],
  };
  const { source } = body;
  const total = source.bytes.length;
  let size = windowBytes;
  for (;;) {
    const from = source.offset + readWindow(body, total);
    if (from >= total) break;
    // The next window starts with the line that may have gone on past this one; one line longer
    // than a whole window is shown in windows twice as large until it fits.
    size = from === source.offset ? size * 2 : windowBytes;
    source.show(from, Math.min(total, from + size));
  }
  return { batch, errors: body.errors };
}

export interface ParseOptions {
  /** An empty batch to parse into (from a PointBatchPool); a new one by default. */
  into?: PointBatch;
  /** Bytes of the body seen at once (WINDOW_BYTES by default; tests read bodies in tiny windows). */
  windowBytes?: number;
}

/**
 * Bytes of the body the parser sees at once as a string. Far below 1 MB, it is an ordinary young string
 * that dies soon (see Body.show), and the last line, read again in the next window, costs little.
 */
const WINDOW_BYTES = 64 * 1024;

/** One body being read: its current window, the two parsers and what they have read so far. */
interface BodyReader {
  source: Body;
  parser: PointParser;
  plainParser: PlainLineParser;
  batch: PointBatch;
  errors: string[];
}

/**
 * Reads the lines of the body's current window; returns the position (in the window) of the first line
 * not read because it may go on past the window's end, or the window's length when all were read.
 */
function readWindow(reader: BodyReader, total: number): number {
  const { source, parser, plainParser, batch, errors } = reader;
  const body = source.s;
  const n = body.length;
  // Where the window ends before the body does, a line that comes within two bytes of its end may go
  // on: scanLine lets a backslash skip a newline unless it is the second last byte of the body.
  const lastWindow = source.offset + n >= total;
  const lines = new LineScanner(body);
  let pos = 0;
  // Stryker disable next-line EqualityOperator: at pos === n the block is empty and skipped, then the loop ends
  while (pos < n) {
    const blockStart = pos;
    let blockEnd = lines.next(pos);
    if (!lastWindow && blockEnd + 2 >= n) return blockStart;
    pos = blockEnd + 1;
    // Stryker disable next-line ConditionalExpression: an empty block is skipped as blank just below too
    if (blockEnd === blockStart) continue;

    const start = skipWhitespace(body, blockStart, blockEnd);
    if (start >= blockEnd || body.charCodeAt(start) === HASH) continue;
    // A block ends in a newline only when a backslash swallowed it (see scanLine); OSS strips that
    // one. A `\r` before the newline is kept, as in OSS.
    if (body.charCodeAt(blockEnd - 1) === NEWLINE) blockEnd--;

    // A plain line (no quote, no backslash) usually takes the fast path; the exact parser reads the rest.
    const plain = lines.plain;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: which parser reads a line only changes speed: the fast path reads a line as the exact parser does or declines it (lineprotocol-plain.test.ts), and it declines escapes and quoted values
    if (plain && plainParser.parse(source, start, blockEnd)) {
      // Once a few lines are read, the rest of the body likely holds as many points and fields per byte.
      if (batch.length === SAMPLE_POINTS) batch.reserve(...extrapolated(batch, source.offset + pos, total));
      continue;
    }
    const result = parser.parse(source, start, blockEnd);
    if (typeof result === 'string') errors.push(`unable to parse '${source.goText(start, blockEnd)}': ${result}`);
    else {
      // Stryker disable next-line ConditionalExpression: which parser reads a line only changes speed: the fast path reads a line as the exact parser does or declines it (lineprotocol-plain.test.ts), and it declines escapes and quoted values
      if (plain) plainParser.remember(source, start, blockEnd, result);
      batch.addWhole(result);
    }
  }
  return n;
}

/** Points read before the batch's size is estimated from them. */
const SAMPLE_POINTS = 64;

/** Points and fields the whole body would hold if it went on as its first `read` bytes (with some slack). */
function extrapolated(batch: PointBatch, read: number, total: number): [number, number] {
  const scale = (total / read) * 1.05;
  return [Math.ceil(batch.length * scale) + 16, Math.ceil(batch.fieldCount * scale) + 64];
}

/**
 * Finds line ends. Most lines hold neither a quote nor a backslash, and then the line simply ends
 * at the next newline; the positions of the next quote and backslash are remembered between lines
 * so that each search stays linear over the whole body.
 */
class LineScanner {
  // Stryker disable next-line UnaryOperator: a fast-path check (LineScanner returns the line end scanLine would, or defers to it); this mutant only makes it defer more often: slower, same lines
  private nextQuote = -1;
  // Stryker disable next-line UnaryOperator: a fast-path check (LineScanner returns the line end scanLine would, or defers to it); this mutant only makes it defer more often: slower, same lines
  private nextBackslash = -1;

  /** The last line `next` found holds neither a quote nor a backslash. */
  // Stryker disable next-line BooleanLiteral: which parser reads a line only changes speed: the fast path reads a line as the exact parser does or declines it (lineprotocol-plain.test.ts), and it declines escapes and quoted values
  plain = false;

  constructor(private readonly s: string) {}

  /** The index of the newline (or the end) that ends the line starting at `i`. */
  next(i: number): number {
    const s = this.s;
    const n = s.length;
    let newline = s.indexOf('\n', i);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast-path check (LineScanner returns the line end scanLine would, or defers to it); this mutant only makes it defer more often: slower, same lines
    if (newline < 0) newline = n;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: a fast-path check (LineScanner returns the line end scanLine would, or defers to it); this mutant only makes it defer more often: slower, same lines
    if (this.nextQuote < i) this.nextQuote = indexOrEnd(s, '"', i);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: a fast-path check (LineScanner returns the line end scanLine would, or defers to it); this mutant only makes it defer more often: slower, same lines
    if (this.nextBackslash < i) this.nextBackslash = indexOrEnd(s, '\\', i);
    // Equal only at the end of the body, when neither is left.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: which parser reads a line only changes speed: the fast path reads a line as the exact parser does or declines it (lineprotocol-plain.test.ts), and it declines escapes and quoted values
    this.plain = newline <= this.nextQuote && newline <= this.nextBackslash;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast-path check (LineScanner returns the line end scanLine would, or defers to it); this mutant only makes it defer more often: slower, same lines
    if (newline < this.nextQuote && newline < this.nextBackslash) return newline;
    return scanLine(s, i, n);
  }
}

// Stryker disable next-line BlockStatement: a fast-path check (LineScanner returns the line end scanLine would, or defers to it); this mutant only makes it defer more often: slower, same lines
function indexOrEnd(s: string, c: string, from: number): number {
  const i = s.indexOf(c, from);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast-path check (LineScanner returns the line end scanLine would, or defers to it); this mutant only makes it defer more often: slower, same lines
  return i < 0 ? s.length : i;
}

/**
 * OSS `scanLine`: returns the index of the newline that ends the line starting at `i` (or `n`).
 * After the first space it counts `=` and `,` to tell a quote that opens a string value from a quote
 * in a key; a backslash skips the next character, even a newline, unless it is the second last byte.
 */
function scanLine(s: string, i: number, n: number): number {
  let quoted = false;
  let fields = false;
  let equals = 0;
  let commas = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: a backslash as the last byte then ends the block at n + 1 instead of n, which reads the same line
    if (c === BACKSLASH && i + 2 < n) {
      i += 2;
      continue;
    }
    if (c === SPACE) fields = true;
    if (fields) {
      if (!quoted && c === EQUALS) {
        i++;
        equals++;
        continue;
      } else if (!quoted && c === COMMA) {
        i++;
        commas++;
        continue;
      } else if (c === QUOTE && equals > commas) {
        i++;
        quoted = !quoted;
        continue;
      }
    }
    if (c === NEWLINE && !quoted) break;
    i++;
  }
  return i;
}
