/**
 * One query from source to CSV text, the same in a worker and in-process: run the script, count each
 * result against the memory limit, and hand the CSV out result by result as it is encoded.
 */
import { ApiError } from '../errors';
import type { Dialect } from '../flux/csv/dialect';
import { encodeErrorTable, encodeResults } from '../flux/csv/encode';
import { type FluxContext, runFlux } from '../flux/engine';
import { MemoryAccount } from './memory';

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
 * the first result. A failure after results exist is emitted as Flux's in-band error table instead
 * (without a dialect: returned or dropped, see `keepLateErrors`). Errors other than ApiError are
 * bugs and propagate.
 */
export async function evaluate(
  job: Evaluation,
  ctx: FluxContext,
  emit: (text: string) => void,
): Promise<ApiError | undefined> {
  let outcome: Awaited<ReturnType<typeof runFlux>>;
  try {
    outcome = await runFlux(job.source, ctx);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  const account = new MemoryAccount(job.memoryLimitBytes);
  let error = outcome.error;
  let produced = 0;
  for (const result of outcome.results) {
    try {
      account.charge(result);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      error = err;
      break;
    }
    produced++;
    if (job.dialect) emit(encodeResults([result], job.dialect));
  }
  if (!error || produced === 0) return error;
  if (!job.dialect) return job.keepLateErrors ? error : undefined;
  emit(encodeErrorTable(error.message, job.dialect));
  return undefined;
}
