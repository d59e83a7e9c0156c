/**
 * One query from source to CSV text, the same in a worker and in-process: run the script, then encode
 * its results table by table (the last one's tables pulled as they are encoded when its pipeline allows), each
 * table charged against the memory limit before it is encoded (a pulled one only while it is held), and hand the
 * CSV out in pieces of about CSV_CHUNK_CHARS as they fill.
 */
import { ApiError } from '../errors';
import type { Dialect } from '../flux/csv/dialect';
import { ChunkedText, encodeErrorTable, encodeResultTo } from '../flux/csv/encode';
import { EMPTY_LINE } from '../flux/csv/writer';
import { type FluxContext, runFluxStreaming } from '../flux/engine';
import { MemoryAccount } from './memory';

/** Big enough that a piece's overhead (a message, a socket write) is small, small enough to bound memory. */
export const CSV_CHUNK_CHARS = 64 * 1024;

export interface Evaluation {
  source: string;
  dialect?: Dialect;
  memoryLimitBytes: number;
  /**
   * Without a dialect: whether an error after the first result still counts (task runs,
   * `Prefer: return-no-content-with-error`) or is dropped, as `return-no-content` drops it.
   */
  keepLateErrors?: boolean;
}

/**
 * Emits the CSV and returns the error the response must carry as an HTTP error: one found before
 * any output. A failure after output started is emitted as Flux's in-band error table instead
 * (without a dialect: returned or dropped, see `keepLateErrors`). Errors other than ApiError are
 * bugs and propagate.
 */
export async function evaluate(
  job: Evaluation,
  ctx: FluxContext,
  emit: (text: string) => void,
): Promise<ApiError | undefined> {
  let outcome: Awaited<ReturnType<typeof runFluxStreaming>>;
  try {
    outcome = await runFluxStreaming(job.source, ctx);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  const account = new MemoryAccount(job.memoryLimitBytes);
  const { dialect } = job;
  const out = new ChunkedText(CSV_CHUNK_CHARS, emit);
  let error = outcome.error;
  let produced = 0;
  let midResult = false;
  for (const result of outcome.results) {
    try {
      if (dialect) {
        // Mid-result from its first table on: a pulled result failing before it has one ends as one computed whole.
        encodeResultTo(result, dialect, out, (table) => {
          midResult = true;
          account.charge(table, result.pulled);
        });
        midResult = false;
      } else for (const table of result.tables) account.charge(table, result.pulled);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      error = err;
      break;
    }
    produced++;
  }
  if (!dialect) return !error || produced === 0 || job.keepLateErrors ? error : undefined;
  if (error && !out.emitted && produced === 0) return error;
  if (error) {
    // Flux ends the tables it wrote with an empty line before the error block.
    if (midResult) out.push(EMPTY_LINE);
    out.push(encodeErrorTable(error.message, dialect));
  }
  out.flush();
  return undefined;
}
