/**
 * Item 6: start-up. `iot-center start` (from the built package, as installed) on a fresh folder and free
 * ports, timed from the spawn until the example dashboard's gauges show numbers in Chromium. With
 * `--quick` (or without Chromium) the end is the dashboard page answering, flows deployed.
 */
import fs from 'node:fs';
import { launchChromium, CHROMIUM } from '../test/browser/support/browser';
import { startStack } from '../test/support/stack';
import { type BenchOptions, type Figure, figure, progress, summarize } from './stats';

async function gaugesShowData(dashboardUrl: string, deadlineMs: number): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${dashboardUrl.replace(/\/$/, '')}/#!/0`);
    // As the dashboard test reads them: every gauge shows a third number, its value.
    await page.waitForFunction(
      () =>
        document.querySelectorAll('.nr-dashboard-gauge').length >= 5 &&
        Array.from(document.querySelectorAll('.nr-dashboard-gauge')).every(
          (gauge) =>
            Array.from(gauge.querySelectorAll('svg text')).filter((t) =>
              /^-?[\d,]+(\.\d)?$/.test((t.textContent ?? '').trim()),
            ).length >= 3,
        ),
      undefined,
      { timeout: Math.max(1000, deadlineMs - Date.now()) },
    );
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
  const browser = !options.quick && fs.existsSync(CHROMIUM);
  const runs = options.quick ? 1 : 3;
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = Date.now();
    const stack = await startStack('bench-start');
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
