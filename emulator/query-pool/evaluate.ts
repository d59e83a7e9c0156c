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
}

/**
 * Emits the CSV and returns the error the response must carry as an HTTP error: one found before
 * any CSV was emitted, or any error when no CSV is wanted. A failure after CSV went out is emitted
 * as Flux's in-band error table instead. Errors other than ApiError are bugs and propagate.
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
  let emitted = false;
  for (const result of outcome.results) {
    try {
      account.charge(result);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      error = err;
      break;
    }
    if (!job.dialect) continue;
    const text = encodeResults([result], job.dialect);
    if (text === '') continue;
    emit(text);
    emitted = true;
  }
  if (!error) return undefined;
  if (!job.dialect || !emitted) return error;
  emit(encodeErrorTable(error.message, job.dialect));
  return undefined;
}
