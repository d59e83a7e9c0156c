/**
 * What a newcomer sees after `npm start`: the example flow's dashboard in real Chromium. Gauges show
 * numbers, charts have lines, and the Devices tab registers and removes a device.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, saveScreenshot, TestBrowser, watchPage, PageProblems } from './support/browser';
import { startStack, type TestStack } from '../support/stack';
import { PACKAGE_ROOT } from './support/build';
import { quickDeviceHealth, redeployWith } from './support/flows';
import { recordToasts } from './support/toasts';

const GAUGES = ['Temperature', 'Humidity', 'Pressure', 'CO2', 'TVOC'];

/** Known noise of node-red-dashboard 3.x itself: its side-nav probe. (Its loading.html is served by the flow.) */
const DASHBOARD_NOISE = [/SideNav 'left' is not available/];

describe('dashboard of the example flow (Chromium)', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let baseUrl: string;
  let browser: TestBrowser;
  let page: Page;
  let problems: PageProblems;

  before(async () => {
    stack = await startStack('dashboard');
    baseUrl = stack.editorUrl;
    browser = await launchChromium();
    page = await browser.context.newPage();
    problems = watchPage(page);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the five gauges with numbers', async () => {
    await page.goto(`${baseUrl}/ui/#!/0`);
    const gauges = page.locator('md-card:has(.nr-dashboard-gauge)');
    await page.waitForFunction(() => document.querySelectorAll('.nr-dashboard-gauge').length >= 5, undefined, {
      timeout: 60_000,
    });
    for (const title of GAUGES)
      assert.equal(await gauges.filter({ hasText: title }).count(), 1, `one "${title}" gauge`);
    // justgage draws the value as SVG text ("21.4", "1,009.8"; ppm as "1,136") beside its min and max labels:
    // wait until each gauge shows a third number, its value.
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('.nr-dashboard-gauge')).every(
          (gauge) =>
            Array.from(gauge.querySelectorAll('svg text')).filter((t) =>
              /^-?[\d,]+(\.\d)?$/.test((t.textContent ?? '').trim()),
            ).length >= 3,
        ),
      undefined,
      { timeout: 60_000 },
    );
  });

  it('draws a line in each of the five charts', async () => {
    // node-red-dashboard charts are Chart.js canvases: read what each one plots.
    const counts = await page.waitForFunction(
      () => {
        const charts = (
          window as unknown as { Chart?: { instances: Record<string, { data: { datasets: { data: unknown[] }[] } }> } }
        ).Chart;
        if (!charts) return false;
        const sizes = Object.values(charts.instances).map((c) =>
          c.data.datasets.reduce((n, d) => n + d.data.length, 0),
        );
        return sizes.length >= 5 && sizes.every((n) => n > 1) ? sizes : false;
      },
      undefined,
      { timeout: 60_000 },
    );
    const sizes = (await counts.jsonValue()) as number[];
    assert.equal(sizes.length, 5);
    // UPDATE_DOCS_SCREENSHOTS=1 also refreshes README's picture.
    const docs =
      process.env.UPDATE_DOCS_SCREENSHOTS === '1' ? path.join(PACKAGE_ROOT, 'docs', 'dashboard.png') : undefined;
    await saveScreenshot(page, 'dashboard', docs);
  });

  it('gives each viewer its own range: two viewers, two different charts, neither moves the other', async () => {
    const other = await browser.context.newPage();
    try {
      await chooseRange(page, 'Past 7d');
      await other.goto(`${baseUrl}/ui/#!/0`);
      await chooseRange(other, 'Past 1h');
      const day = 24 * 3600 * 1000;
      await waitForSpan(other, (span) => span > 0 && span <= 3600 * 1000 + 60_000, 'the 1 h viewer plots an hour');
      await waitForSpan(page, (span) => span > 5 * day, 'the 7 d viewer plots days');
      // 7 days and more are charted from the hourly means of the downsampled bucket, and the selector says so.
      await page.locator('.iotc-note', { hasText: 'hourly means (iot_center_1h)' }).waitFor({ timeout: 10_000 });
      assert.equal(await other.locator('.iotc-note').count(), 0, 'the 1 h viewer reads raw points');
      assert.ok((await chartPoints(page)) <= 7 * 24 + 1, 'at most one point an hour');
      // The next refresh (every 10 s) answers each viewer with its own range again.
      await new Promise((r) => setTimeout(r, 11_000));
      await waitForSpan(page, (span) => span > 5 * day, 'the 7 d viewer still plots days');
      await waitForSpan(other, (span) => span <= 3600 * 1000 + 60_000, 'the 1 h viewer still plots an hour');
      assert.equal(await page.locator('md-select.iotc-range').innerText(), 'Past 7d');
    } finally {
      await other.close();
    }
  });

  it("spans each chart's time axis from its first to its last point: no blank margins at 7 days", async () => {
    // The page still shows Past 7d (the test before chose it): hourly means of a week.
    await waitForSpan(page, (span) => span > 5 * 24 * 3600 * 1000, 'the charts plot days');
    const edges = await page.evaluate(() => {
      interface Scale {
        left: number;
        right: number;
        paddingLeft: number;
        paddingRight: number;
        getPixelForValue(value: unknown): number;
        getPixelForTick(index: number): number;
        ticks: unknown[];
      }
      const charts = (
        window as unknown as {
          Chart: {
            instances: Record<
              string,
              {
                data: { datasets: { label?: string; data: { x: number }[] }[] };
                chartArea: { left: number; right: number };
                scales: Record<string, Scale>;
              }
            >;
          };
        }
      ).Chart;
      return Object.values(charts.instances)
        .filter((c) => c.data.datasets[0]?.label !== undefined && c.data.datasets[0].data.length > 1)
        .map((c) => {
          const data = c.data.datasets[0].data;
          const x = c.scales['x-axis-0'];
          return {
            label: c.data.datasets[0].label,
            firstPoint: x.getPixelForValue(data[0].x),
            lastPoint: x.getPixelForValue(data[data.length - 1].x),
            // Chart.js keeps half the last tick's label width right of the plot: the plot ends at the last tick.
            plotLeft: c.chartArea.left,
            plotRight: x.right - x.paddingRight,
            lastTick: x.getPixelForTick(x.ticks.length - 1),
          };
        });
    });
    assert.ok(edges.length >= 5, JSON.stringify(edges));
    for (const e of edges) {
      assert.ok(
        Math.abs(e.firstPoint - e.plotLeft) <= 1,
        `${e.label}: first point at the left edge ${JSON.stringify(e)}`,
      );
      assert.ok(
        Math.abs(e.lastPoint - e.plotRight) <= 1,
        `${e.label}: last point at the right edge ${JSON.stringify(e)}`,
      );
      assert.ok(
        Math.abs(e.lastPoint - e.lastTick) <= 1,
        `${e.label}: the last tick is the last point ${JSON.stringify(e)}`,
      );
    }
    await saveScreenshot(page, 'dashboard-7d');
  });

  it('registers and removes a device with the dashboard controls, and the table follows with each health', async () => {
    await page.goto(`${baseUrl}/ui/#!/1`);
    const rows = page.locator('table.iotc-devices td.iotc-device-id');
    await rows.filter({ hasText: 'virtual_device' }).waitFor({ timeout: 60_000 });

    await page.locator('input[type="text"]').first().fill('dashboard-device');
    await page.getByRole('button', { name: /register/i }).click();
    await rows.filter({ hasText: /^dashboard-device$/ }).waitFor({ timeout: 30_000 });
    // The health column: the virtual device writes every 10 s, the new device has written nothing yet.
    const health = (deviceId: string) =>
      page
        .locator('table.iotc-devices tr', {
          has: page.locator('td.iotc-device-id', { hasText: new RegExp(`^${deviceId}$`) }),
        })
        .locator('td.iotc-health');
    await health('virtual_device').filter({ hasText: /^ok$/ }).waitFor({ timeout: 30_000 });
    assert.equal(await health('dashboard-device').innerText(), 'no data');
    assert.equal(await page.locator('table.iotc-devices th', { hasText: 'Health' }).count(), 1);
    await saveScreenshot(page, 'devices-registered');

    await page.getByRole('button', { name: 'Remove dashboard-device' }).click();
    await rows.filter({ hasText: /^dashboard-device$/ }).waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await rows.filter({ hasText: 'virtual_device' }).count(), 1);
  });

  it('shows on the Virtual device tab whether the device runs, and Stop and Start change it', async () => {
    await page.goto(`${baseUrl}/ui/#!/2`);
    const state = page.locator('.iotc-vd-state');
    await state.filter({ hasText: /running/ }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: /stop/i }).click();
    await state.filter({ hasText: /stopped/ }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: /start/i }).click();
    await state.filter({ hasText: /running/ }).waitFor({ timeout: 30_000 });
  });

  it('raises one alert when the virtual device falls silent and one when it writes again, and the table follows', async () => {
    // The device writes every 2 s here, the tab expects that of it, and devices are checked as often: silent
    // after 6 s instead of 30.
    await redeployWith(baseUrl, quickDeviceHealth('iotc', 2));
    // node-red-dashboard sends the page its widgets again after a deploy: let it, then open the Devices tab.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await page.reload();
    await page.goto(`${baseUrl}/ui/#!/1`);
    const health = page
      .locator('table.iotc-devices tr', { has: page.locator('td.iotc-device-id', { hasText: /^virtual_device$/ }) })
      .locator('td.iotc-health');
    // The redeployed tab's EXPECTED_INTERVALS reached the table.
    await health.locator('span[title="expected every 2 s"]', { hasText: /^ok$/ }).waitFor({ timeout: 30_000 });
    const toasts = await recordToasts(page, 'md-toast');

    // Stopped from the Virtual device tab; the alert shows wherever the viewer is.
    await page.goto(`${baseUrl}/ui/#!/2`);
    await page.getByRole('button', { name: /stop/i }).click();
    await toasts.waitFor(/virtual_device is silent: no entry for \d+ s/, 60_000);
    await page.goto(`${baseUrl}/ui/#!/1`);
    await health.filter({ hasText: /^silent$/ }).waitFor({ timeout: 30_000 });
    assert.match((await health.getAttribute('class')) ?? '', /iotc-health-silent/);
    await saveScreenshot(page, 'devices-silent');

    await page.goto(`${baseUrl}/ui/#!/2`);
    await page.getByRole('button', { name: /start/i }).click();
    await toasts.waitFor(/virtual_device writes again/, 60_000);
    await page.goto(`${baseUrl}/ui/#!/1`);
    await health.filter({ hasText: /^ok$/ }).waitFor({ timeout: 30_000 });
    // A few more checks (every 2 s) while the health holds: nothing repeats.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    // A toast reads "Device health <what happened>" (its topic, then its payload).
    const said = (await toasts.texts()).filter((t) => /virtual_device/.test(t));
    assert.deepEqual(
      said.map((t) => t.replace(/^Device health /, '').replace(/ for \d+ s$/, ' for N s')),
      ['virtual_device is silent: no entry for N s', 'virtual_device writes again'],
    );
  });

  it('fits a phone (390 px): nothing wider than the screen, every gauge and the devices table in view', async () => {
    const phone = await browser.context
      .browser()
      ?.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const context = phone ?? browser.context;
    const small = await context.newPage();
    if (!phone) await small.setViewportSize({ width: 390, height: 844 });
    try {
      for (const tab of ['0', '1', '2']) {
        await small.goto(`${baseUrl}/ui/#!/${tab}`);
        await small.locator('md-card').first().waitFor({ timeout: 30_000 });
        await small.waitForTimeout(1000);
        const overflowing = await small.evaluate(() =>
          Array.from(document.querySelectorAll('md-content *'))
            .filter((e) => {
              const r = e.getBoundingClientRect();
              return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1);
            })
            .map((e) => `${e.tagName.toLowerCase()}.${String(e.className).split(' ')[0]}`),
        );
        assert.deepEqual(overflowing, [], `tab ${tab}: elements wider than the screen`);
      }
      await small.goto(`${baseUrl}/ui/#!/0`);
      await small.waitForFunction(() => document.querySelectorAll('.nr-dashboard-gauge').length >= 5);
      const boxes = await small.locator('.nr-dashboard-gauge').evaluateAll((gauges) =>
        gauges.map((g) => {
          const r = g.getBoundingClientRect();
          return { left: r.left, right: r.right, width: r.width };
        }),
      );
      for (const box of boxes) assert.ok(box.width > 50 && box.left >= 0 && box.right <= 390, JSON.stringify(box));
      await saveScreenshot(small, 'dashboard-phone');
    } finally {
      await small.close();
      await phone?.close();
    }
  });

  it("leaves no errors in the browser console beyond the dashboard library's own noise", () => {
    const ours = problems.errors.filter((e) => !DASHBOARD_NOISE.some((noise) => noise.test(e)));
    assert.deepEqual(ours, []);
  });
});

/** Picks a range in the page's own selector (Angular Material's md-select). */
async function chooseRange(page: Page, label: string): Promise<void> {
  await page.locator('md-select.iotc-range').click();
  await page.locator('.md-select-menu-container.md-active md-option', { hasText: label }).click();
  await page.locator('.md-select-menu-container.md-active').waitFor({ state: 'detached' });
}

/** How many points the Temperature chart plots. */
function chartPoints(page: Page): Promise<number> {
  return page.evaluate(() => {
    const charts = (
      window as unknown as {
        Chart?: { instances: Record<string, { data: { datasets: { label?: string; data: unknown[] }[] } }> };
      }
    ).Chart;
    const chart = Object.values(charts?.instances ?? {}).find((c) => c.data.datasets[0]?.label === 'Temperature');
    return chart?.data.datasets[0].data.length ?? 0;
  });
}

/** Waits until the Temperature chart's plotted time span (ms) satisfies `ok`. */
async function waitForSpan(page: Page, ok: (span: number) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let span = -1;
  while (Date.now() < deadline) {
    span = await page.evaluate(() => {
      const charts = (
        window as unknown as {
          Chart?: { instances: Record<string, { data: { datasets: { label?: string; data: { x: number }[] }[] } }> };
        }
      ).Chart;
      const chart = Object.values(charts?.instances ?? {}).find((c) => c.data.datasets[0]?.label === 'Temperature');
      const data = chart?.data.datasets[0].data ?? [];
      return data.length > 1 ? Number(data[data.length - 1].x) - Number(data[0].x) : -1;
    });
    if (ok(span)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`${what}: the Temperature chart spans ${span} ms`);
}
