/**
 * One task run: the script runs with `now` = scheduledFor and the permissions of the authorization
 * that owns the task; the run, its log events and the task's last-run fields are recorded.
 */
import { ApiError } from '../errors';
import { newId } from '../ids';
import { rfc3339Nano } from '../http/format';
import type { EmulatorState } from '../state';
import type { Task } from '../storage/types';
import type { Caller } from '../auth/caller';
import { durationNs } from './options';
import { type RunRecord, saveRun } from './runs';

/** A new run record in status `scheduled`, saved. */
export function scheduleRun(state: EmulatorState, task: Task, scheduledFor: bigint, manual: boolean): RunRecord {
  const now = state.nowNs();
  const run: RunRecord = {
    id: newId(),
    taskID: task.id,
    status: 'scheduled',
    scheduledFor,
    runAt: scheduledFor + durationNs(task.offset),
    flux: task.flux,
    log: [],
    recordedAt: now,
  };
  if (manual) run.requestedAt = now;
  saveRun(state, task.orgID, run);
  return run;
}

/** Runs a scheduled run to its end; never throws (a failure is the run's status and log). */
export async function executeRun(state: EmulatorState, task: Task, run: RunRecord): Promise<RunRecord> {
  const log = (message: string) => run.log.push({ runID: run.id, time: state.nowNs(), message });
  run.status = 'started';
  run.startedAt = state.nowNs();
  log(`Started task from script: ${JSON.stringify(run.flux)}`);
  saveRun(state, task.orgID, run);
  let error: string | undefined;
  try {
    // Through the query controller, as OSS runs tasks: its limits apply, and the script runs in a
    // worker thread for a file-backed emulator (to() writes come back to the one writer).
    const spec = {
      source: run.flux,
      orgID: task.orgID,
      now: run.scheduledFor,
      caller: ownerOf(state, task),
      keepLateErrors: true,
    };
    const failure = await state.queries.run(spec, () => undefined);
    if (failure) throw failure;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    log(error);
  }
  run.status = error === undefined ? 'success' : 'failed';
  run.finishedAt = state.nowNs();
  log(`Completed(${run.status})`);
  saveRun(state, task.orgID, run);
  recordOnTask(state, task.id, run, error);
  return run;
}

function ownerOf(state: EmulatorState, task: Task): Caller {
  const authorization =
    task.authorizationID !== undefined ? state.meta.authorizations.get(task.authorizationID) : undefined;
  if (!authorization)
    throw new ApiError('unauthorized', 'could not find the authorization of the task: create the task again');
  const user = state.meta.users.get(authorization.userID);
  if (!user) throw new ApiError('unauthorized', 'could not find the user of the task’s authorization');
  return { authorization, user };
}

/** The task may have been edited or deleted while the run ran: re-read it. */
function recordOnTask(state: EmulatorState, taskID: string, run: RunRecord, error: string | undefined): void {
  const task = state.meta.tasks.get(taskID);
  if (!task) return;
  const previous = task.latestCompleted !== undefined ? Date.parse(task.latestCompleted) : Number.NEGATIVE_INFINITY;
  if (Number(run.scheduledFor / 1_000_000n) > previous) task.latestCompleted = rfc3339Nano(run.scheduledFor);
  task.lastRunStatus = run.status === 'success' ? 'success' : 'failed';
  if (error === undefined) delete task.lastRunError;
  else task.lastRunError = error;
  state.meta.tasks.put(task);
}
