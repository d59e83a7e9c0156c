/**
 * `/api/v2/tasks` (OSS http/task_service.go behind authorizer/task.go): tasks of an org, their runs and
 * logs. Reading a task needs `read:orgs/<org>/tasks/<id>`, changing or running it `write` on the same.
 */
import { authorize, can, permission } from '../auth/authorizer';
import { ApiError } from '../errors';
import type { Reply, RequestContext } from '../http/context';
import { callerOf, reply } from '../http/context';
import { decodeObject, GoJsonError, type JsonObject, optionalString } from '../http/json';
import { readTextBody } from '../http/body';
import type { Route } from '../http/router';
import { newId, parseId } from '../ids';
import type { Action, MetadataStore, Task } from '../storage/types';
import { type TaskOptions, taskOptionsOf, withTaskOptions } from '../tasks/options';
import { startInBackground } from '../tasks/runner';
import { scheduleRun } from '../tasks/execute';
import { findRun, listRuns, type RunRecord, saveRun } from '../tasks/runs';
import { logView, runView, taskView } from '../tasks/views';
import { decodeApiJson, idParam, idQuery } from './decode';
import { requireOrgById, requireOrgByName } from './lookup';
import { nowStamp } from './tenant';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

function taskPermission(action: Action, task: Pick<Task, 'id' | 'orgID'>) {
  return permission(action, 'tasks', { id: task.id, orgID: task.orgID });
}

function orgName(meta: MetadataStore, orgID: string): string {
  return meta.orgs.get(orgID)?.name ?? '';
}

function view(ctx: RequestContext, task: Task) {
  return taskView(task, orgName(ctx.state.meta, task.orgID));
}

/** The task of the `:taskID` path parameter, after the caller's permission for `action` on it. */
function requireTask(ctx: RequestContext, action: Action): Task {
  const task = ctx.state.meta.tasks.get(idParam(ctx, 'taskID'));
  if (!task) throw new ApiError('not found', 'task not found');
  authorize(callerOf(ctx), taskPermission(action, task));
  return task;
}

function readStatus(value: string | undefined): Task['status'] | undefined {
  if (value === undefined || value === '') return undefined;
  if (value !== 'active' && value !== 'inactive') throw new ApiError('invalid', `invalid task status: "${value}"`);
  return value;
}

function listTasks(ctx: RequestContext): Reply {
  const caller = callerOf(ctx);
  const { meta } = ctx.state;
  const q = ctx.query;
  let orgID = idQuery(ctx, 'orgID');
  const org = q.get('org') ?? '';
  if (orgID === undefined && org !== '') orgID = requireOrgByName(meta, org).id;
  const name = q.get('name') ?? '';
  const status = readStatus(q.get('status') ?? undefined);
  const userID = idQuery(ctx, 'user');
  const after = idQuery(ctx, 'after');
  const limitText = q.get('limit') ?? '';
  let limit = DEFAULT_LIMIT;
  if (limitText !== '') {
    limit = /^[+-]?\d+$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) throw new ApiError('invalid', `limit must be between 1 and ${MAX_LIMIT}`);
  }
  // OSS pages tasks by ID (`after`), which are time-ordered.
  const tasks = meta.tasks
    .list()
    .filter(
      (t) =>
        (orgID === undefined || t.orgID === orgID) &&
        (name === '' || t.name === name) &&
        (status === undefined || t.status === status) &&
        (userID === undefined || t.ownerID === userID) &&
        (after === undefined || t.id > after),
    )
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .filter((t) => can(caller, taskPermission('read', t)))
    .slice(0, limit);
  const self = new URLSearchParams();
  for (const [k, v] of q) self.set(k, v);
  const selfQuery = self.toString();
  return reply.json(200, {
    links: { self: `/api/v2/tasks${selfQuery === '' ? '' : `?${selfQuery}`}` },
    tasks: tasks.map((t) => view(ctx, t)),
  });
}

async function postTask(ctx: RequestContext): Promise<Reply> {
  const caller = callerOf(ctx);
  const { state } = ctx;
  const body = await decodeApiJson(ctx, 'taskmodel.TaskCreate', (b: JsonObject) => ({
    orgID: optionalString(b, 'orgID', 'TaskCreate.orgID') ?? '',
    org: optionalString(b, 'org', 'TaskCreate.org') ?? '',
    flux: optionalString(b, 'flux', 'TaskCreate.flux') ?? '',
    status: optionalString(b, 'status', 'TaskCreate.status'),
    description: optionalString(b, 'description', 'TaskCreate.description') ?? '',
  }));
  if (body.orgID === '' && body.org === '') throw new ApiError('invalid', 'missing orgID and organization name');
  const org =
    body.orgID !== '' ? requireOrgById(state.meta, parseId(body.orgID)) : requireOrgByName(state.meta, body.org);
  if (body.flux === '') throw new ApiError('invalid', 'missing flux');
  const status = readStatus(body.status) ?? 'active';
  authorize(caller, permission('write', 'tasks', { orgID: org.id }));
  const options = taskOptionsOf(body.flux);
  const now = nowStamp(state);
  const task: Task = {
    id: newId(),
    orgID: org.id,
    ownerID: caller.user.id,
    authorizationID: caller.authorization.id,
    name: options.name,
    status,
    flux: body.flux,
    ...scheduleOf(options),
    // OSS starts the schedule at creation: the first run is the first boundary after it.
    latestCompleted: now,
    createdAt: now,
    updatedAt: now,
  };
  if (body.description !== '') task.description = body.description;
  state.meta.tasks.put(task);
  return reply.json(201, view(ctx, task));
}

function scheduleOf(options: TaskOptions): Pick<Task, 'every' | 'cron' | 'offset'> {
  return {
    ...(options.every !== undefined ? { every: options.every } : {}),
    ...(options.cron !== undefined ? { cron: options.cron } : {}),
    ...(options.offset !== undefined ? { offset: options.offset } : {}),
  };
}

function getTask(ctx: RequestContext): Reply {
  return reply.json(200, view(ctx, requireTask(ctx, 'read')));
}

async function patchTask(ctx: RequestContext): Promise<Reply> {
  const update = await decodeApiJson(ctx, 'taskmodel.TaskUpdate', (b: JsonObject) => ({
    flux: optionalString(b, 'flux', 'TaskUpdate.flux'),
    status: optionalString(b, 'status', 'TaskUpdate.status'),
    description: optionalString(b, 'description', 'TaskUpdate.description'),
    name: optionalString(b, 'name', 'TaskUpdate.name'),
    every: optionalString(b, 'every', 'TaskUpdate.every'),
    cron: optionalString(b, 'cron', 'TaskUpdate.cron'),
    offset: optionalString(b, 'offset', 'TaskUpdate.offset'),
  }));
  const task = requireTask(ctx, 'write');
  const status = readStatus(update.status);
  let flux = update.flux ?? task.flux;
  const changesOptions = [update.name, update.every, update.cron, update.offset].some((v) => v !== undefined);
  if (changesOptions) {
    // Like OSS `TaskUpdate.UpdateFlux`: the options are written into the script, then read back from it.
    const current = taskOptionsOf(flux);
    const next: TaskOptions = { ...current, name: update.name ?? current.name };
    if (update.every !== undefined && update.every !== '') {
      next.every = update.every;
      delete next.cron;
    }
    if (update.cron !== undefined && update.cron !== '') {
      next.cron = update.cron;
      delete next.every;
    }
    if (update.offset !== undefined) {
      if (update.offset === '' || update.offset === '0s') delete next.offset;
      else next.offset = update.offset;
    }
    flux = withTaskOptions(flux, next);
  }
  const options = taskOptionsOf(flux);
  const wasInactive = task.status === 'inactive';
  task.flux = flux;
  task.name = options.name;
  delete task.every;
  delete task.cron;
  delete task.offset;
  Object.assign(task, scheduleOf(options));
  if (status !== undefined) task.status = status;
  if (update.description !== undefined) {
    if (update.description === '') delete task.description;
    else task.description = update.description;
  }
  const now = nowStamp(ctx.state);
  // A re-activated task does not catch up on the time it was inactive (OSS resets latestCompleted).
  if (wasInactive && task.status === 'active') task.latestCompleted = now;
  task.updatedAt = now;
  ctx.state.meta.tasks.put(task);
  return reply.json(200, view(ctx, task));
}

function deleteTask(ctx: RequestContext): Reply {
  const task = requireTask(ctx, 'write');
  ctx.state.meta.tasks.delete(task.id);
  return reply.empty(204);
}

function runsLinks(task: Task) {
  return { self: `/api/v2/tasks/${task.id}/runs`, task: `/api/v2/tasks/${task.id}` };
}

function listTaskRuns(ctx: RequestContext): Reply {
  const task = requireTask(ctx, 'read');
  const q = ctx.query;
  const after = idQuery(ctx, 'after');
  const limitText = q.get('limit') ?? '';
  const limit = limitText === '' ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new ApiError('invalid', `limit must be between 1 and ${MAX_LIMIT}`);
  const afterTime = timeQuery(q, 'afterTime');
  const beforeTime = timeQuery(q, 'beforeTime');
  const runs = listRuns(ctx.state, task.orgID, task.id)
    .filter(
      (r) =>
        (after === undefined || r.id > after) &&
        (afterTime === undefined || r.scheduledFor > afterTime) &&
        (beforeTime === undefined || r.scheduledFor < beforeTime),
    )
    .slice(0, limit);
  return reply.json(200, { links: runsLinks(task), runs: runs.map(runView) });
}

function timeQuery(q: URLSearchParams, name: string): bigint | undefined {
  const text = q.get(name) ?? '';
  if (text === '') return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new ApiError('invalid', `invalid ${name}: ${JSON.stringify(text)} is not an RFC3339 time`);
  return BigInt(ms) * 1_000_000n;
}

async function postTaskRun(ctx: RequestContext): Promise<Reply> {
  // An empty body is a run for now (the client may send none).
  const text = await readTextBody(ctx.req, ctx.state.options.maxBodyBytes);
  let body: { scheduledFor?: string };
  try {
    const b = text.trim() === '' ? {} : decodeObject(text, 'taskmodel.RunManually');
    body = { scheduledFor: optionalString(b, 'scheduledFor', 'RunManually.scheduledFor') };
  } catch (err) {
    if (err instanceof GoJsonError) throw new ApiError('invalid', `failed to unmarshal json: ${err.message}`);
    throw err;
  }
  const task = requireTask(ctx, 'write');
  let scheduledFor = ctx.state.nowNs();
  if (body.scheduledFor !== undefined && body.scheduledFor !== '') {
    const ms = Date.parse(body.scheduledFor);
    if (Number.isNaN(ms))
      throw new ApiError('invalid', `scheduledFor ${JSON.stringify(body.scheduledFor)} is not an RFC3339 time`);
    scheduledFor = BigInt(ms) * 1_000_000n;
  }
  // Manual runs are at whole seconds, like scheduled ones.
  scheduledFor -= scheduledFor % 1_000_000_000n;
  const run = scheduleRun(ctx.state, task, scheduledFor, true);
  startInBackground(ctx.state, task, run);
  return reply.json(201, runView(run));
}

function requireRun(ctx: RequestContext, task: Task): RunRecord {
  const run = findRun(ctx.state, task.orgID, task.id, idParam(ctx, 'runID'));
  if (!run) throw new ApiError('not found', 'run not found');
  return run;
}

function getTaskRun(ctx: RequestContext): Reply {
  const task = requireTask(ctx, 'read');
  return reply.json(200, runView(requireRun(ctx, task)));
}

/** Only a run that has not started yet can still be canceled; a finished one is no longer "running" (OSS 404). */
function cancelTaskRun(ctx: RequestContext): Reply {
  const task = requireTask(ctx, 'write');
  const run = requireRun(ctx, task);
  if (run.status !== 'scheduled') throw new ApiError('not found', 'run not found');
  run.status = 'canceled';
  run.finishedAt = ctx.state.nowNs();
  run.log.push({ runID: run.id, time: run.finishedAt, message: 'Run canceled' });
  saveRun(ctx.state, task.orgID, run);
  return reply.empty(204);
}

function retryTaskRun(ctx: RequestContext): Reply {
  const task = requireTask(ctx, 'write');
  const original = requireRun(ctx, task);
  const run = scheduleRun(ctx.state, task, original.scheduledFor, true);
  startInBackground(ctx.state, task, run);
  return reply.json(200, runView(run));
}

function taskLogs(ctx: RequestContext): Reply {
  const task = requireTask(ctx, 'read');
  const events = listRuns(ctx.state, task.orgID, task.id).flatMap((r) => r.log);
  return reply.json(200, { events: events.map(logView) });
}

function runLogs(ctx: RequestContext): Reply {
  const task = requireTask(ctx, 'read');
  return reply.json(200, { events: requireRun(ctx, task).log.map(logView) });
}

export const taskRoutes: Route[] = [
  { method: 'GET', path: '/api/v2/tasks', handler: listTasks },
  { method: 'POST', path: '/api/v2/tasks', handler: postTask },
  { method: 'GET', path: '/api/v2/tasks/:taskID', handler: getTask },
  { method: 'PATCH', path: '/api/v2/tasks/:taskID', handler: patchTask },
  { method: 'DELETE', path: '/api/v2/tasks/:taskID', handler: deleteTask },
  { method: 'GET', path: '/api/v2/tasks/:taskID/runs', handler: listTaskRuns },
  { method: 'POST', path: '/api/v2/tasks/:taskID/runs', handler: postTaskRun },
  { method: 'GET', path: '/api/v2/tasks/:taskID/runs/:runID', handler: getTaskRun },
  { method: 'DELETE', path: '/api/v2/tasks/:taskID/runs/:runID', handler: cancelTaskRun },
  { method: 'POST', path: '/api/v2/tasks/:taskID/runs/:runID/retry', handler: retryTaskRun },
  { method: 'GET', path: '/api/v2/tasks/:taskID/logs', handler: taskLogs },
  { method: 'GET', path: '/api/v2/tasks/:taskID/runs/:runID/logs', handler: runLogs },
];
