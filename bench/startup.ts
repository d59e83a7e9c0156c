/**
 * Item 6: start-up. `iot-center start` (from the built package, as installed) on a fresh folder and free
 * ports, timed from the spawn until the example dashboard's gauges show readings in Chromium. With
 * `--quick` the end is the dashboard page answering, flows deployed; a full run without Chromium fails.
 */
import fs from 'node:fs';
import { launchChromium, CHROMIUM } from '../test/browser/support/browser';
import { waitForGaugeReadings } from '../test/browser/support/dashboard-gauges';
import { startStack } from '../test/support/stack';
import { type BenchOptions, type Figure, figure, progress, summarize } from './stats';

async function gaugesShowData(dashboardUrl: string, deadlineMs: number): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${dashboardUrl.replace(/\/$/, '')}/#!/0`);
    // As the dashboard test reads them: each of the five gauges shows a reading, not its placeholder min.
    await waitForGaugeReadings(page, 5, Math.max(1000, deadlineMs - Date.now()));
  } finally {
    await browser.close();
  }
}

async function dashboardAnswers(dashboardUrl: string, deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    const response = await fetch(dashboardUrl).catch(() => undefined);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('bench: the dashboard did not answer');
}

export async function benchStartup(options: BenchOptions): Promise<Figure[]> {
  const browser = !options.quick;
  if (browser && !fs.existsSync(CHROMIUM)) {
    // The target is for gauges showing data: the dashboard merely answering would measure less and pass it.
    throw new Error(`bench: start-up needs Chromium at ${CHROMIUM} (or run with --quick)`);
  }
  const runs = options.quick ? 1 : 3;
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = Date.now();
    const stack = await startStack('bench-start', [], {}, { built: true });
    try {
      if (browser) await gaugesShowData(stack.dashboardUrl, start + 120_000);
      else await dashboardAnswers(stack.dashboardUrl, start + 120_000);
      times.push(Date.now() - start);
    } finally {
      await stack.stop();
    }
    progress(`start-up run ${run + 1}: ${times[run]} ms`);
  }
  return [
    figure({
      id: 'startup.gauges',
      item: 6,
      what: browser
        ? '`iot-center start` to the dashboard gauges showing data (Chromium), fresh folder'
        : '`iot-center start` to the dashboard answering, flows deployed (quick: no browser)',
      unit: 'ms',
      better: 'lower',
      ours: summarize(times),
      oursName: 'emulator + Node-RED + example flow',
      target: { of: 'value', op: '<=', value: 10_000 },
    }),
  ];
}
