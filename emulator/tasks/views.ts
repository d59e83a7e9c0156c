/** JSON shapes of tasks, runs and logs (OSS http/task_service.go, task/taskmodel/task.go; SPEC `Task`, `Run`, `Logs`). */
import { rfc3339Nano } from '../http/format';
import type { Task } from '../storage/types';
import type { LogEvent, RunRecord } from './runs';

export function taskView(task: Task, orgName: string) {
  const self = `/api/v2/tasks/${task.id}`;
  return {
    id: task.id,
    orgID: task.orgID,
    org: orgName,
    ownerID: task.ownerID,
    name: task.name,
    ...(task.description ? { description: task.description } : {}),
    status: task.status,
    flux: task.flux,
    ...(task.every !== undefined ? { every: task.every } : {}),
    ...(task.cron !== undefined ? { cron: task.cron } : {}),
    ...(task.offset !== undefined ? { offset: task.offset } : {}),
    ...(task.latestCompleted !== undefined ? { latestCompleted: task.latestCompleted } : {}),
    ...(task.lastRunStatus !== undefined ? { lastRunStatus: task.lastRunStatus } : {}),
    ...(task.lastRunError !== undefined ? { lastRunError: task.lastRunError } : {}),
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    labels: [] as unknown[],
    links: {
      labels: `${self}/labels`,
      logs: `${self}/logs`,
      members: `${self}/members`,
      owners: `${self}/owners`,
      runs: `${self}/runs`,
      self,
    },
  };
}

export function runView(run: RunRecord) {
  const task = `/api/v2/tasks/${run.taskID}`;
  const self = `${task}/runs/${run.id}`;
  const at = (key: string, ns: bigint | undefined) => (ns === undefined ? {} : { [key]: rfc3339Nano(ns) });
  return {
    id: run.id,
    taskID: run.taskID,
    status: run.status,
    scheduledFor: rfc3339Nano(run.scheduledFor),
    ...at('runAt', run.runAt),
    ...at('startedAt', run.startedAt),
    ...at('finishedAt', run.finishedAt),
    ...at('requestedAt', run.requestedAt),
    flux: run.flux,
    log: run.log.map(logView),
    links: { logs: `${self}/logs`, retry: `${self}/retry`, self, task },
  };
}

export function logView(event: LogEvent) {
  return { runID: event.runID, time: rfc3339Nano(event.time), message: event.message };
}
