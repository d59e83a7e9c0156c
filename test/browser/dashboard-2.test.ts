/**
 * The Dashboard 2.0 variant of the example (examples/dashboard-2.json) as `iot-center start --flow` deploys
 * it, in real Chromium: gauges show numbers, each chart plots its field's downsampled series (and a new
 * query replaces it), each viewer (socket) has its own range and charts, the Devices page registers and
 * removes a device, the Virtual device page shows the backfill's progress.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchChromium, openPhonePage, PageProblems, saveScreenshot, TestBrowser, watchPage } from './support/browser';
import { chartStates, chooseOption, dismissOfflineToast, gaugeReadings, needleOnValue } from './support/dashboard-2';
import { quickDeviceHealth, redeployWith } from './support/flows';
import { assertHealthAlerts, recordToasts } from './support/toasts';
import { startStack, type TestStack } from '../support/stack';

/** Title, units and dial limits of each gauge: IoT Center's ranges. */
const GAUGES = [
  { title: 'Temperature', units: '°C', limits: ['0', '40'] },
  { title: 'Humidity', units: '%', limits: ['0', '100'] },
  { title: 'Pressure', units: 'hPa', limits: ['970', '1050'] },
  { title: 'CO2', units: 'ppm', limits: ['400', '3000'] },
  { title: 'TVOC', units: 'ppm', limits: ['250', '2000'] },
];
const FIELDS = GAUGES.map((g) => g.title);

describe('Dashboard 2.0 variant of the example (Chromium)', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let dir: string;
  let dashboardUrl: string;
  let browser: TestBrowser;
  let page: Page;
  let problems: PageProblems;

  before(async () => {
    stack = await startStack('dashboard-2', ['--flow', 'examples/dashboard-2.json']);
    ({ dir, dashboardUrl } = stack);
    browser = await launchChromium();
    page = await browser.context.newPage();
    // tall enough for the whole Dashboard page in one screenshot
    await page.setViewportSize({ width: 1400, height: 1120 });
    problems = watchPage(page);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('deploys the Dashboard 2.0 flow and prints its dashboard URL', () => {
    assert.match(dashboardUrl, /\/dashboard$/);
    const deployed = JSON.parse(fs.readFileSync(path.join(dir, 'node-red', 'flows.json'), 'utf8')) as Array<{
      type: string;
    }>;
    assert.ok(deployed.some((n) => n.type === 'ui-base'));
    assert.ok(!deployed.some((n) => n.type.startsWith('ui_')), 'no node-red-dashboard widget');
  });

  it('shows the five gauges with readings, and needles pointing at them on IoT Center’s ranges', async () => {
    await page.goto(dashboardUrl);
    await page.waitForURL(/\/dashboard\/home$/);
    await waitForGaugeNumbers(page);
    await dismissOfflineToast(page);
    const gauges = await gaugeReadings(page);
    assert.deepEqual(
      gauges.map(({ title, units, limits }) => ({ title, units, limits })),
      GAUGES,
    );
    for (const gauge of gauges) assert.ok(Number.isFinite(Number(gauge.value.replace(/,/g, ''))), gauge.value);
    await untilNeedlesSettle(page);
  });

  it('plots each field’s downsampled series in its own chart', async () => {
    const dayAgo = Date.now() - 86_400_000;
    const charts = await pollCharts(page, (all) => all.length === 5 && all.every((c) => pointsOf(c) >= 90));
    assert.deepEqual(
      charts.map((c) => c.series.map((s) => s.name)),
      FIELDS.map((f) => [f]),
      'one series a chart, named after its field',
    );
    for (const chart of charts) {
      const [{ points }] = chart.series;
      // Past 1d in 15-minute windows (the default range): up to 97 points, oldest first, all within the day.
      assert.ok(points.length <= 97, `${chart.id}: ${points.length} points`);
      assert.ok(
        points.every(([x, y], i) => x >= dayAgo - 900_000 && Number.isFinite(y) && (i === 0 || x > points[i - 1][0])),
        `${chart.id}: time-ordered points of the last day`,
      );
    }
    // The query that filled the charts also moved the gauges: let their needles turn before the picture.
    await untilNeedlesSettle(page);
    await saveScreenshot(page, 'dashboard-2');
  });

  it('replaces the charts’ lines when the range changes (msg.action = "replace")', async () => {
    await chooseOption(page, 'iotc2.dd.range', 'Past 1h');
    // Past 1h in 1-minute windows: about 60 points a chart; appended to the day's it would be over 97.
    const charts = await pollCharts(page, (all) => all.length === 5 && all.every((c) => pointsOf(c) <= 61));
    for (const chart of charts) assert.ok(pointsOf(chart) > 10, `${chart.id} still has a line`);
    const hourAgo = Date.now() - 3_600_000 - 120_000;
    assert.ok(charts.every((c) => c.series[0].points.every(([x]) => x >= hourAgo)));
  });

  it('gives each viewer its own range: two viewers, two different charts, neither moves the other', async () => {
    const day = 86_400_000;
    const hour = 3_600_000;
    await chooseOption(page, 'iotc2.dd.range', 'Past 7d');
    await waitForSpan(page, (span) => span > 5 * day, 'the 7 d viewer plots days');
    const other = await browser.context.newPage();
    const otherProblems = watchPage(other);
    try {
      await other.setViewportSize({ width: 1400, height: 1120 });
      await other.goto(dashboardUrl);
      await other.waitForURL(/\/dashboard\/home$/);
      // A new viewer starts with the defaults, not with the choice of the viewer before it.
      await waitForSpan(other, (span) => span > 20 * hour && span <= day + 900_000, 'the new viewer plots a day');
      await waitForOption(other, 'iotc2.dd.range', 'Past 1d');
      await waitForGaugeNumbers(other);
      await chooseOption(other, 'iotc2.dd.range', 'Past 1h');
      await waitForSpan(other, (span) => span > 0 && span <= hour + 60_000, 'the 1 h viewer plots an hour');
      await waitForSpan(page, (span) => span > 5 * day, 'the 7 d viewer still plots days');
      // 7 days and more are charted from the hourly means of the downsampled bucket, and the selector says so.
      await charts(page).filter({ hasText: 'hourly means (iot_center_1h)' }).waitFor({ timeout: 10_000 });
      await charts(other).filter({ hasText: 'raw points' }).waitFor({ timeout: 10_000 });
      assert.ok((await spanOf(page)).points <= 7 * 24 + 1, 'at most one point an hour');
      // Each dropdown shows its own viewer's choice: Dashboard 2.0 did not copy one to the other.
      await waitForOption(page, 'iotc2.dd.range', 'Past 7d');
      await waitForOption(other, 'iotc2.dd.range', 'Past 1h');
      // The next refresh (every 10 s) answers each viewer with its own range again.
      await new Promise((resolve) => setTimeout(resolve, 11_000));
      await waitForSpan(page, (span) => span > 5 * day, 'after a tick, the 7 d viewer still plots days');
      await waitForSpan(other, (span) => span > 0 && span <= hour + 60_000, 'after a tick, the 1 h viewer an hour');
      await waitForOption(page, 'iotc2.dd.range', 'Past 7d');
      await waitForOption(other, 'iotc2.dd.range', 'Past 1h');
      assert.deepEqual(otherProblems.errors, []);
    } finally {
      await other.close();
    }
  });

  it('shows a viewer its own choice again when it comes back to the Dashboard page', async () => {
    // In-app navigation (the side menu) keeps the socket, so the viewer and its 7 d choice stay; a reload
    // would be a new viewer, with the defaults.
    const goTo = async (pageId: string) => {
      await page.locator('.v-app-bar-nav-icon').click();
      await page.locator(`a[data-nav="${pageId}"]`).click();
    };
    await goTo('iotc2.page.devices');
    await page.waitForURL(/\/dashboard\/devices$/);
    await page.locator('[id="nrdb-ui-widget-iotc2.table.devices"]').waitFor();
    await goTo('iotc2.page.dashboard');
    await page.waitForURL(/\/dashboard\/home$/);
    // The page first shows what the browser kept and what new viewers load; the flow's answer to the page view
    // (the viewer's choice and its charts) follows within a moment.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await waitForSpan(page, (span) => span > 5 * 86_400_000, 'the 7 d viewer plots days again');
    await charts(page).filter({ hasText: 'hourly means (iot_center_1h)' }).waitFor({ timeout: 10_000 });
    await waitForOption(page, 'iotc2.dd.range', 'Past 7d');
  });

  it('registers and removes a device with the Devices page controls, and the table follows', async () => {
    await page.goto(`${dashboardUrl}/devices`);
    const table = page.locator('[id="nrdb-ui-widget-iotc2.table.devices"]');
    // the first cell holds the device id
    const row = (deviceId: string) =>
      table
        .locator('tbody tr')
        .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${deviceId}$`) }) });
    await row('virtual_device').waitFor({ timeout: 60_000 });
    await dismissOfflineToast(page);

    await page.getByLabel('Device ID').fill('dashboard2-device');
    await page.getByRole('button', { name: 'Register' }).click();
    await row('dashboard2-device').waitFor({ timeout: 30_000 });
    await page.getByText('Registered dashboard2-device').waitFor({ timeout: 10_000 });
    await saveScreenshot(page, 'dashboard-2-devices');

    await row('dashboard2-device').getByRole('button', { name: 'Remove' }).click();
    await row('dashboard2-device').waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByText('Removed dashboard2-device').waitFor({ timeout: 10_000 });
    assert.equal(await row('virtual_device').count(), 1);
  });

  it('shows the progress of the first backfill on the Virtual device page', async () => {
    await page.goto(`${dashboardUrl}/virtual-device`);
    await page.getByText('Missing data written: 100%').waitFor({ timeout: 60_000 });
    const text = page.locator('[id="nrdb-ui-widget-iotc2.txt.progress"]');
    // The emulator starts empty, so the first backfill writes every minute of the last 7 days.
    await text.filter({ hasText: /(\d+) of \1 missing minutes written/ }).waitFor({ timeout: 10_000 });
  });

  it('raises one notification when the virtual device falls silent and one when it writes again; the Health column follows', async () => {
    // The device writes every 2 s here, the tab expects that of it, and devices are checked as often: silent
    // after 6 s instead of 30.
    await redeployWith(stack.editorUrl, quickDeviceHealth('iotc2', 2));
    const table = page.locator('[id="nrdb-ui-widget-iotc2.table.devices"]');
    const headers = async () => (await table.locator('thead th').allInnerTexts()).map((t) => t.trim());
    // The fourth column of virtual_device's row is its health.
    const health = table
      .locator('tbody tr')
      .filter({ has: page.locator('td:first-child', { hasText: /^virtual_device$/ }) })
      .locator('td:nth-child(4)');
    await page.goto(`${dashboardUrl}/devices`);
    await health.filter({ hasText: /^ok$/ }).waitFor({ timeout: 30_000 });
    assert.equal((await headers())[3], 'Health');
    assert.equal((await textStyle(health)).color, OK_GREEN, 'ok in green');
    await dismissOfflineToast(page);

    // Stopped on the Virtual device page: the notification shows there, on any page of the dashboard.
    await page.goto(`${dashboardUrl}/virtual-device`);
    const stopped = await recordToasts(page, '.v-snackbar__content');
    await page.getByRole('button', { name: 'Stop' }).click();
    await stopped.waitFor(/virtual_device is silent: no entry for \d+ s/, 60_000);
    // A few more checks (every 2 s) while it stays silent: no second notification.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    // One alert, even if the last point made before Stop reached InfluxDB after it.
    assertHealthAlerts(await stopped.texts(), 'virtual_device', ['silent']);
    await page.goto(`${dashboardUrl}/devices`);
    await health.filter({ hasText: /^silent$/ }).waitFor({ timeout: 30_000 });
    // As on node-red-dashboard: silent in bold red, in the table's own font, the expected interval on hover.
    const silent = await textStyle(health);
    assert.deepEqual(
      { color: silent.color, fontWeight: silent.fontWeight, font: silent.fontFamily },
      { color: SILENT_RED, fontWeight: '700', font: silent.tableFontFamily },
    );
    assert.equal(await health.locator('span').getAttribute('title'), 'expected every 2 s');
    await saveScreenshot(page, 'dashboard-2-devices-silent');

    await page.goto(`${dashboardUrl}/virtual-device`);
    const started = await recordToasts(page, '.v-snackbar__content');
    await page.getByRole('button', { name: 'Start' }).click();
    await started.waitFor(/virtual_device writes again/, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    assertHealthAlerts(await started.texts(), 'virtual_device', ['back']);
    await page.goto(`${dashboardUrl}/devices`);
    await health.filter({ hasText: /^ok$/ }).waitFor({ timeout: 30_000 });
  });

  it('shows the devices table on a phone (390 px) as cards, without sideways scrolling', async () => {
    const phone = await openPhonePage(browser);
    const small = phone.page;
    const smallProblems = watchPage(small);
    try {
      await small.goto(`${dashboardUrl}/devices`);
      const table = small.locator('[id="nrdb-ui-widget-iotc2.table.devices"]');
      await table.locator('.nrdb-table--mobile').waitFor({ timeout: 30_000 });
      await table.getByText('virtual_device', { exact: true }).waitFor({ timeout: 30_000 });
      await dismissOfflineToast(small);
      // No sideways scrolling, neither of the page nor inside the table.
      const widths = await small.evaluate(() => ({
        viewport: window.innerWidth,
        page: document.documentElement.scrollWidth,
        tables: Array.from(document.querySelectorAll('.v-table__wrapper')).map((w) => w.scrollWidth - w.clientWidth),
      }));
      assert.ok(widths.page <= widths.viewport, JSON.stringify(widths));
      assert.deepEqual(widths.tables, [0], JSON.stringify(widths));
      // Each card line pairs a column's title with its value; the health keeps its colour.
      const health = table.locator('td[data-column-key="healthCell"]');
      assert.match(await health.innerText(), /^Health\s+(ok|silent|no data)$/);
      const colour = { ok: OK_GREEN, silent: SILENT_RED }[(await health.innerText()).replace(/^Health\s+/, '')];
      if (colour) assert.equal((await textStyle(health)).color, colour);
      await saveScreenshot(small, 'dashboard-2-devices-phone');
      assert.deepEqual(smallProblems.errors, []);
    } finally {
      await phone.close();
    }
  });

  it('leaves no errors in the browser console and no offline-ready toast over the widgets', async () => {
    assert.equal(await page.locator('.v-snackbar').filter({ hasText: 'App is offline ready' }).count(), 0);
    // Unlike node-red-dashboard 3.x (dashboard.test.ts), Dashboard 2.0 logs no error here: nothing is filtered.
    assert.deepEqual(problems.errors, []);
  });
});

/** The Health cell's colours of node-red-dashboard's devices table (examples/flows.json). */
const SILENT_RED = 'rgb(214, 39, 40)';
const OK_GREEN = 'rgb(44, 160, 44)';

/** The computed style of a table cell's text, and the font of the table's other cells. */
function textStyle(
  cell: Locator,
): Promise<{ color: string; fontWeight: string; fontFamily: string; tableFontFamily: string }> {
  return cell.evaluate((td) => {
    const style = getComputedStyle(td.querySelector('.iotc-health, span') ?? td);
    const first = td.closest('tr')?.querySelector('td') ?? td;
    return {
      color: style.color,
      fontWeight: style.fontWeight,
      fontFamily: style.fontFamily,
      tableFontFamily: getComputedStyle(first).fontFamily,
    };
  });
}

function pointsOf(chart: { series: Array<{ points: unknown[] }> }): number {
  return chart.series.reduce((n, s) => n + s.points.length, 0);
}

/** Waits until every gauge's needle points at the value it prints (each new value turns the needle). */
async function untilNeedlesSettle(page: Page, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const gauges = await gaugeReadings(page);
    if (gauges.length > 0 && gauges.every(needleOnValue)) return;
    if (Date.now() > deadline) throw new Error(`gauge needles do not point at their values: ${JSON.stringify(gauges)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads the charts until `ready` holds for them (they fill when the next query answers). */
async function pollCharts(
  page: Page,
  ready: (charts: Awaited<ReturnType<typeof chartStates>>) => boolean,
  ms = 60_000,
): Promise<Awaited<ReturnType<typeof chartStates>>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const charts = await chartStates(page);
    if (ready(charts)) return charts;
    if (Date.now() > deadline)
      throw new Error(`charts not ready within ${ms} ms: ${JSON.stringify(charts.map((c) => [c.id, pointsOf(c)]))}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Waits until the ui-dropdown of node `id` shows `label` as chosen. A page opened by in-app navigation first
 * loads the value shown to new viewers, then the viewer's own choice that the flow sends it.
 */
async function waitForOption(page: Page, id: string, label: string, ms = 10_000): Promise<void> {
  const selection = page.locator(`[id="nrdb-ui-widget-${id}"] .v-select__selection`);
  const deadline = Date.now() + ms;
  for (;;) {
    const shown = (await selection.innerText()).trim();
    if (shown === label) return;
    if (Date.now() > deadline) throw new Error(`${id} shows ${JSON.stringify(shown)}, not ${JSON.stringify(label)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The *Charts* line under the selector: what the viewer's charts read. */
function charts(page: Page) {
  return page.locator('[id="nrdb-ui-widget-iotc2.txt.charts"]');
}

/** The time the Temperature chart spans (last x − first x) and how many points it plots. */
async function spanOf(page: Page): Promise<{ span: number; points: number }> {
  const chart = (await chartStates(page)).find((c) => c.id === 'iotc2.chart.Temperature');
  const xs = (chart?.series ?? []).flatMap((s) => s.points.map(([x]) => x));
  return { span: xs.length > 1 ? Math.max(...xs) - Math.min(...xs) : 0, points: xs.length };
}

/** Waits until the Temperature chart's span satisfies `ok`. */
async function waitForSpan(page: Page, ok: (span: number) => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { span, points } = await spanOf(page);
    if (points > 0 && ok(span)) return;
    if (Date.now() > deadline) throw new Error(`${what}: the chart spans ${span} ms in ${points} points`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Waits until the five gauges print readings (a viewer's first answer reached it). Before any msg a gauge
 * prints 0 (seen on the real page: "0" beside limits 970 and 1050), or its min (`value ?? min` in ui-gauge),
 * so neither counts; a real reading at 0 or the min (the generator's floor, rare) only defers the pass to the
 * next one.
 */
async function waitForGaugeNumbers(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const gauges = Array.from(document.querySelectorAll('.nrdb-ui-widget.nrdb-ui-gauge'));
      return (
        gauges.length === 5 &&
        gauges.every((gauge) => {
          const value = gauge.querySelector('.nrdb-ui-gauge-value > span')?.textContent?.trim() ?? '';
          const min = gauge.querySelector('#limits text')?.textContent?.trim() ?? '';
          const number = Number(value.replace(/,/g, ''));
          return /^-?[\d,]+(\.\d+)?$/.test(value) && number !== 0 && number !== Number(min);
        })
      );
    },
    undefined,
    { timeout: 60_000 },
  );
}
