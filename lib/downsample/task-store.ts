/**
 * The one InfluxDB task of a downsampling, found by its description `IoT Center downsample: <key>` (the
 * key is stable across redeploys: the node's id), never by a remembered task id: a redeploy, a restart or
 * a copy of the userDir finds the same task, updates it when its script changed, and removes duplicates.
 */
import type { InfluxDB } from '@influxdata/influxdb-client';
import { TasksAPI, type Task } from '@influxdata/influxdb-client-apis';

export const TASK_DESCRIPTION_PREFIX = 'IoT Center downsample: ';
/** Tasks listed per request (InfluxDB's maximum), and at most this many pages. */
const PAGE = 500;
const MAX_PAGES = 20;

export type TaskAction = 'created' | 'updated' | 'unchanged';

export interface EnsuredTask {
  task: Task;
  action: TaskAction;
  /** Tasks with the same description beyond the first, deleted. */
  duplicatesRemoved: number;
}

export function taskDescription(key: string): string {
  return `${TASK_DESCRIPTION_PREFIX}${key}`;
}

/** The org's tasks with this key's description (exact match), oldest first. */
export async function findTasks(influx: InfluxDB, orgID: string, key: string): Promise<Task[]> {
  const api = new TasksAPI(influx);
  const description = taskDescription(key);
  const found: Task[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const tasks = (await api.getTasks({ orgID, limit: PAGE, ...(after ? { after } : {}) })).tasks ?? [];
    found.push(...tasks.filter((t) => t.description === description));
    if (tasks.length < PAGE) break;
    after = tasks[tasks.length - 1]?.id;
  }
  return found.sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.id.localeCompare(b.id));
}

/**
 * Creates the task, or brings the existing one to `flux`; a task the user set inactive stays inactive.
 * Extra tasks with the same key (left by an interrupted deploy, or made by hand) are deleted.
 */
export async function ensureTask(influx: InfluxDB, orgID: string, key: string, flux: string): Promise<EnsuredTask> {
  const api = new TasksAPI(influx);
  const [first, ...extra] = await findTasks(influx, orgID, key);
  for (const duplicate of extra) await api.deleteTasksID({ taskID: duplicate.id });
  const duplicatesRemoved = extra.length;
  if (!first) {
    const task = await api.postTasks({ body: { orgID, flux, description: taskDescription(key), status: 'active' } });
    return { task, action: 'created', duplicatesRemoved };
  }
  if (first.flux === flux) return { task: first, action: 'unchanged', duplicatesRemoved };
  const task = await api.patchTasksID({ taskID: first.id, body: { flux } });
  return { task, action: 'updated', duplicatesRemoved };
}

/** Deletes every task of the key; returns how many there were. */
export async function deleteTasks(influx: InfluxDB, orgID: string, key: string): Promise<number> {
  const api = new TasksAPI(influx);
  const tasks = await findTasks(influx, orgID, key);
  for (const task of tasks) await api.deleteTasksID({ taskID: task.id });
  return tasks.length;
}
