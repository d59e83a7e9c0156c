import assert from 'node:assert/strict';
import { AuthorizationsAPI, BucketsAPI, type Run, TasksAPI } from '@influxdata/influxdb-client-apis';
import { runDueTasks } from '../../emulator';
import { assertHttpError, clientFor, type Onboarded, startOnboarded } from '../support/emulator';

const HOUR_ISO = '2024-01-01T10:00:00Z';
const T0 = 1_704_103_200_000_000_000n; // HOUR_ISO
const MINUTE = 60_000_000_000n;
const NEXT_HOUR = T0 + 60n * MINUTE;

const DOWNSAMPLE = `option task = {name: "downsample_5m", every: 1h, offset: 0m}
from(bucket: "my-bucket")
    |> range(start: -task.every)
    |> filter(fn: (r) => r._measurement == "mem")
    |> aggregateWindow(every: 5m, fn: mean)
    |> to(bucket: "downsampled", org: "my-org")
`;

describe('tasks (/api/v2/tasks)', () => {
  let env: Onboarded;
  let tasks: TasksAPI;
  beforeEach(async () => {
    env = await startOnboarded({ taskCheckIntervalMs: 0 });
    tasks = new TasksAPI(env.influx);
  });
  afterEach(() => env.emulator.close());

  const create = (flux: string, extra: { status?: 'active' | 'inactive'; description?: string } = {}) =>
    tasks.postTasks({ body: { orgID: env.orgID, flux, ...extra } });

  /** One point a minute of the hour before NEXT_HOUR, host=a value = minute, host=b value = 10 × minute. */
  async function seedHour(): Promise<void> {
    await new BucketsAPI(env.influx).postBuckets({ body: { orgID: env.orgID, name: 'downsampled' } });
    const writeApi = env.influx.getWriteApi(env.org, env.bucket, 'ns');
    for (let i = 0n; i < 60n; i++) {
      writeApi.writeRecord(`mem,host=a used=${Number(i)} ${T0 + i * MINUTE}`);
      writeApi.writeRecord(`mem,host=b used=${Number(i) * 10} ${T0 + i * MINUTE}`);
    }
    await writeApi.close();
  }

  const readDownsampled = () =>
    env.influx
      .getQueryApi(env.org)
      .collectRows<Record<string, unknown>>(
        `from(bucket: "downsampled") |> range(start: ${HOUR_ISO}, stop: 2024-01-01T12:00:00Z) |> filter(fn: (r) => r.host == "a")`,
      );

  async function finished(taskID: string, runID: string): Promise<Run> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const run = await tasks.getTasksIDRunsID({ taskID, runID });
      if (run.status !== 'scheduled' && run.status !== 'started') return run;
      if (Date.now() > deadline) assert.fail(`run ${runID} still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  describe('creating', () => {
    it('takes name and schedule from the script’s task options', async () => {
      const task = await create(
        `option task = {name: "t1", every: 1h, offset: 10m}\nfrom(bucket: "my-bucket") |> range(start: -1h)`,
        {
          description: 'hourly',
        },
      );
      assert.equal(task.name, 't1');
      assert.equal(task.every, '1h');
      assert.equal(task.offset, '10m');
      assert.equal(task.status, 'active');
      assert.equal(task.description, 'hourly');
      assert.equal(task.orgID, env.orgID);
      assert.equal(task.org, 'my-org');
      assert.equal(task.ownerID, env.userID);
      assert.equal(task.links?.runs, `/api/v2/tasks/${task.id}/runs`);
    });

    it('accepts an org name instead of an orgID', async () => {
      const task = await tasks.postTasks({
        body: {
          org: 'my-org',
          flux: 'option task = {name: "c", cron: "0 * * * *"}\nfrom(bucket: "my-bucket") |> range(start: -1h)',
        },
      });
      assert.equal(task.cron, '0 * * * *');
      assert.equal(task.every, undefined);
    });

    it('rejects a script without task options', async () => {
      await assertHttpError(
        create('from(bucket: "my-bucket") |> range(start: -1h)'),
        400,
        'invalid',
        'no task options defined',
      );
    });

    it('rejects options without a name', async () => {
      await assertHttpError(
        create('option task = {every: 1h}\nfrom(bucket: "my-bucket") |> range(start: -1h)'),
        400,
        'invalid',
        'invalid options: name required',
      );
    });

    it('rejects an every shorter than a second', async () => {
      await assertHttpError(
        create('option task = {name: "x", every: 500ms}\nfrom(bucket: "my-bucket") |> range(start: -1h)'),
        400,
        'invalid',
        'invalid options: every option must be at least 1 second',
      );
    });

    it('rejects both cron and every', async () => {
      await assertHttpError(
        create(
          'option task = {name: "x", every: 1h, cron: "0 * * * *"}\nfrom(bucket: "my-bucket") |> range(start: -1h)',
        ),
        400,
        'invalid',
        'cannot use both cron and every in task options',
      );
    });

    it('rejects a script with syntax errors', async () => {
      await assertHttpError(create('option task = {name: "x", every: 1h}\nfrom(bucket: '), 400, 'invalid');
    });

    it('needs write permission on the org’s tasks', async () => {
      const created = await new AuthorizationsAPI(env.influx).postAuthorizations({
        body: {
          orgID: env.orgID,
          permissions: [{ action: 'read', resource: { type: 'tasks', orgID: env.orgID } }],
        },
      });
      const client = new TasksAPI(clientFor(env.emulator, created.token as string));
      await assertHttpError(
        client.postTasks({ body: { orgID: env.orgID, flux: DOWNSAMPLE } }),
        401,
        'unauthorized',
        `write:orgs/${env.orgID}/tasks is unauthorized`,
      );
    });
  });

  describe('reading, changing and deleting', () => {
    it('lists tasks filtered by name and status', async () => {
      await create(DOWNSAMPLE);
      await create('option task = {name: "other", every: 1m}\nfrom(bucket: "my-bucket") |> range(start: -1m)', {
        status: 'inactive',
      });
      const byName = await tasks.getTasks({ name: 'other' });
      assert.deepEqual(
        byName.tasks?.map((t) => t.name),
        ['other'],
      );
      const active = await tasks.getTasks({ orgID: env.orgID, status: 'active' });
      assert.deepEqual(
        active.tasks?.map((t) => t.name),
        ['downsample_5m'],
      );
      const limited = await tasks.getTasks({ org: 'my-org', limit: 1 });
      assert.equal(limited.tasks?.length, 1);
    });

    it('rejects a limit outside 1..500', async () => {
      await assertHttpError(tasks.getTasks({ limit: 501 }), 400, 'invalid', 'limit must be between 1 and 500');
    });

    it('gets a task by id and answers 404 for an unknown one', async () => {
      const task = await create(DOWNSAMPLE);
      const got = await tasks.getTasksID({ taskID: task.id as string });
      assert.equal(got.flux, DOWNSAMPLE);
      await assertHttpError(tasks.getTasksID({ taskID: '0000000000000001' }), 404, 'not found', 'task not found');
    });

    it('patches status and description', async () => {
      const task = await create(DOWNSAMPLE);
      const patched = await tasks.patchTasksID({
        taskID: task.id as string,
        body: { status: 'inactive', description: 'paused' },
      });
      assert.equal(patched.status, 'inactive');
      assert.equal(patched.description, 'paused');
    });

    it('writes a patched schedule into the script', async () => {
      const task = await create(DOWNSAMPLE);
      const patched = await tasks.patchTasksID({ taskID: task.id as string, body: { every: '2h', name: 'renamed' } });
      assert.equal(patched.every, '2h');
      assert.equal(patched.name, 'renamed');
      assert.match(
        patched.flux as string,
        /^option task = \{name: "renamed", every: 2h\}\nfrom\(bucket: "my-bucket"\)/,
      );
    });

    it('deletes a task', async () => {
      const task = await create(DOWNSAMPLE);
      await tasks.deleteTasksID({ taskID: task.id as string });
      await assertHttpError(tasks.getTasksID({ taskID: task.id as string }), 404, 'not found', 'task not found');
    });
  });

  describe('running', () => {
    it('runs the downsampling task manually for a given time and writes 5-minute means', async () => {
      await seedHour();
      const task = await create(DOWNSAMPLE);
      const requested = await tasks.postTasksIDRuns({
        taskID: task.id as string,
        body: { scheduledFor: '2024-01-01T11:00:00Z' },
      });
      assert.equal(requested.status, 'scheduled');
      const run = await finished(task.id as string, requested.id as string);
      assert.equal(run.status, 'success', JSON.stringify(run.log));
      assert.equal(run.scheduledFor, '2024-01-01T11:00:00Z');
      const rows = await readDownsampled();
      assert.equal(rows.length, 12);
      assert.deepEqual(rows[0] && [rows[0]['_time'], rows[0]['_value']], ['2024-01-01T10:05:00Z', 2]);
      assert.deepEqual(rows[11] && [rows[11]['_time'], rows[11]['_value']], ['2024-01-01T11:00:00Z', 57]);
      const after = await tasks.getTasksID({ taskID: task.id as string });
      assert.equal(after.lastRunStatus, 'success');
    });

    it('runs an every task at the next epoch-aligned boundary when the scheduler is called', async () => {
      await seedHour();
      env.emulator.state.nowNs = () => T0 + 30n * MINUTE;
      const task = await create(DOWNSAMPLE);
      assert.deepEqual(await runDueTasks(env.emulator.state, NEXT_HOUR - 1n), []);
      const done = await runDueTasks(env.emulator.state, NEXT_HOUR);
      assert.deepEqual(
        done.map((r) => r.status),
        ['success'],
      );
      const runs = await tasks.getTasksIDRuns({ taskID: task.id as string });
      assert.deepEqual(
        runs.runs?.map((r) => [r.status, r.scheduledFor]),
        [['success', '2024-01-01T11:00:00Z']],
      );
      const after = await tasks.getTasksID({ taskID: task.id as string });
      assert.equal(after.latestCompleted, '2024-01-01T11:00:00Z');
      assert.equal((await readDownsampled()).length, 12);
      assert.deepEqual(await runDueTasks(env.emulator.state, NEXT_HOUR + 30n * MINUTE), []);
    });

    it('waits for the offset after the boundary', async () => {
      env.emulator.state.nowNs = () => T0 + 30n * MINUTE;
      await create(
        'option task = {name: "late", every: 1h, offset: 10m}\nfrom(bucket: "my-bucket") |> range(start: -1h)',
      );
      assert.deepEqual(await runDueTasks(env.emulator.state, NEXT_HOUR + 9n * MINUTE), []);
      const done = await runDueTasks(env.emulator.state, NEXT_HOUR + 10n * MINUTE);
      assert.deepEqual(
        done.map((r) => r.scheduledFor),
        [NEXT_HOUR],
      );
    });

    it('does not schedule inactive tasks', async () => {
      env.emulator.state.nowNs = () => T0;
      await create(DOWNSAMPLE, { status: 'inactive' });
      assert.deepEqual(await runDueTasks(env.emulator.state, NEXT_HOUR + 60n * MINUTE), []);
    });

    it('records a failing run as failed with its error in the run, the task and the logs', async () => {
      env.emulator.state.nowNs = () => T0 + 30n * MINUTE;
      const task = await create(
        'option task = {name: "broken", every: 1h}\nfrom(bucket: "missing") |> range(start: -task.every)',
      );
      const [run] = await runDueTasks(env.emulator.state, NEXT_HOUR);
      assert.equal(run?.status, 'failed');
      const after = await tasks.getTasksID({ taskID: task.id as string });
      assert.equal(after.lastRunStatus, 'failed');
      assert.match(after.lastRunError as string, /could not find bucket "missing"/);
      const logs = await tasks.getTasksIDRunsIDLogs({ taskID: task.id as string, runID: run?.id as string });
      const messages = (logs.events ?? []).map((e) => e.message);
      assert.ok(
        messages.some((m) => /could not find bucket "missing"/.test(m ?? '')),
        messages.join('\n'),
      );
      assert.equal(messages.at(-1), 'Completed(failed)');
      const taskLogs = await tasks.getTasksIDLogs({ taskID: task.id as string });
      assert.equal(taskLogs.events?.length, messages.length);
    });

    it('runs with the permissions of the token that created the task', async () => {
      await seedHour();
      const created = await new AuthorizationsAPI(env.influx).postAuthorizations({
        body: {
          orgID: env.orgID,
          permissions: [
            { action: 'write', resource: { type: 'tasks', orgID: env.orgID } },
            { action: 'read', resource: { type: 'tasks', orgID: env.orgID } },
            { action: 'read', resource: { type: 'buckets', orgID: env.orgID } },
          ],
        },
      });
      const limited = new TasksAPI(clientFor(env.emulator, created.token as string));
      env.emulator.state.nowNs = () => T0 + 30n * MINUTE;
      const task = await limited.postTasks({ body: { orgID: env.orgID, flux: DOWNSAMPLE } });
      const [run] = await runDueTasks(env.emulator.state, NEXT_HOUR);
      assert.equal(run?.status, 'failed');
      const after = await tasks.getTasksID({ taskID: task.id as string });
      assert.match(after.lastRunError as string, /insufficient permissions for write to bucket "downsampled"/);
      assert.deepEqual(await readDownsampled(), []);
    });

    it('retries a run with the same scheduledFor', async () => {
      env.emulator.state.nowNs = () => T0 + 30n * MINUTE;
      const task = await create('option task = {name: "r", every: 1h}\nfrom(bucket: "my-bucket") |> range(start: -1h)');
      const [first] = await runDueTasks(env.emulator.state, NEXT_HOUR);
      const retried = await tasks.postTasksIDRunsIDRetry({
        taskID: task.id as string,
        runID: first?.id as string,
        body: {},
      });
      assert.equal(retried.scheduledFor, '2024-01-01T11:00:00Z');
      const run = await finished(task.id as string, retried.id as string);
      assert.equal(run.status, 'success');
      const runs = await tasks.getTasksIDRuns({ taskID: task.id as string });
      assert.equal(runs.runs?.length, 2);
    });

    it('answers 404 for an unknown run and for cancelling a finished one', async () => {
      env.emulator.state.nowNs = () => T0 + 30n * MINUTE;
      const task = await create('option task = {name: "r", every: 1h}\nfrom(bucket: "my-bucket") |> range(start: -1h)');
      const [run] = await runDueTasks(env.emulator.state, NEXT_HOUR);
      await assertHttpError(
        tasks.getTasksIDRunsID({ taskID: task.id as string, runID: '0000000000000001' }),
        404,
        'not found',
        'run not found',
      );
      await assertHttpError(
        tasks.deleteTasksIDRunsID({ taskID: task.id as string, runID: run?.id as string }),
        404,
        'not found',
        'run not found',
      );
    });
  });
});
