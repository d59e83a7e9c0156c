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

const GAUGES = ['Temperature', 'Humidity', 'Pressure', 'CO2', 'TVOC'];

/** Known noise of node-red-dashboard 3.x itself (a missing optional icon, its side-nav probe). */
const DASHBOARD_NOISE = [/status of 404/, /SideNav 'left' is not available/];

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
