/**
 * The Flux of a downsampling: the task script (`option task` + one pipeline per aggregate, each ending in
 * `to()`), and the same pipelines over a fixed past range for a one-off backfill. Built with the client's
 * `flux` template: names become escaped string literals, durations were checked by parseDownsampleOptions.
 */
import { flux, fluxExpression, type ParameterizedQuery } from '@influxdata/influxdb-client';
import { DOWNSAMPLE_FUNCTIONS, type DownsampleFunction, type DownsampleOptions } from './options';

export interface TaskIdentity {
  /** The task's name as InfluxDB shows it. */
  name: string;
  /** The org `to()` writes to (the task's own). */
  org: string;
}

/** The task script: runs every `every` (after `offset`) over the window that just closed. */
export function downsampleTaskFlux(options: DownsampleOptions, task: TaskIdentity): string {
  const header = flux`option task = {name: ${task.name}, every: ${fluxExpression(options.every)}, offset: ${fluxExpression(options.offset)}}`;
  return `${header.toString()}\n\n${pipelines(options, task.org, flux`range(start: -task.every)`)}`;
}

/**
 * The same aggregation over [start, stop): a one-off query that fills the target bucket with the past, e.g.
 * what a device backfilled before the task existed. Points already there are overwritten with equal values.
 */
export function downsampleBackfillFlux(options: DownsampleOptions, org: string, start: Date, stop: Date): string {
  return pipelines(options, org, flux`range(start: ${start}, stop: ${stop})`);
}

/** One pipeline per aggregate in use; the default aggregate takes every field the others do not name. */
function pipelines(options: DownsampleOptions, org: string, range: ParameterizedQuery): string {
  const source = flux`data = from(bucket: ${options.sourceBucket})
  |> ${range}
  |> filter(fn: (r) => r._measurement == ${options.measurement})`;
  const named = [...options.fields.keys()];
  const parts = [source.toString()];
  for (const fn of DOWNSAMPLE_FUNCTIONS) {
    const fields = named.filter((field) => options.fields.get(field) === fn);
    if (fn !== options.fn && fields.length === 0) continue;
    const select =
      fn === options.fn
        ? named.length === 0
          ? undefined
          : joined(
              named.map((field) => flux`r._field != ${field}`),
              'and',
            )
        : joined(
            fields.map((field) => flux`r._field == ${field}`),
            'or',
          );
    parts.push(pipeline(options, org, fn, select).toString());
  }
  return `${parts.join('\n\n')}\n`;
}

function pipeline(
  options: DownsampleOptions,
  org: string,
  fn: DownsampleFunction,
  select: ParameterizedQuery | undefined,
): ParameterizedQuery {
  const filtered =
    select === undefined
      ? flux`data`
      : flux`data
  |> filter(fn: (r) => ${select})`;
  // Named yields: a script with several results needs distinct names.
  return flux`${filtered}
  |> aggregateWindow(every: ${fluxExpression(options.every)}, fn: ${fluxExpression(fn)}, createEmpty: false)
  |> to(bucket: ${options.targetBucket}, org: ${org})
  |> yield(name: ${fn})`;
}

function joined(conditions: ParameterizedQuery[], operator: 'and' | 'or'): ParameterizedQuery {
  return conditions.reduce((all, next) => flux`${all} ${fluxExpression(operator)} ${next}`);
}
