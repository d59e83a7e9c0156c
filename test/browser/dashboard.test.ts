/**
 * What a newcomer sees after `npm start`: the example flow's dashboard in real Chromium. Gauges show
 * numbers, charts have lines, and the Devices tab registers and removes a device.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchChromium, openPhonePage, saveScreenshot, TestBrowser, watchPage, PageProblems } from './support/browser';
import { startStack, type TestStack } from '../support/stack';
import { PACKAGE_ROOT } from './support/build';
import { waitForGaugeReadings } from './support/dashboard-gauges';
import { quickDeviceHealth, redeployWith } from './support/flows';
import { assertHealthAlerts, recordToasts } from './support/toasts';

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

  it('shows the five gauges with readings', async () => {
    await page.goto(`${baseUrl}/ui/#!/0`);
    const gauges = page.locator('md-card:has(.nr-dashboard-gauge)');
    await page.waitForFunction(() => document.querySelectorAll('.nr-dashboard-gauge').length >= 5, undefined, {
      timeout: 60_000,
    });
    for (const title of GAUGES)
      assert.equal(await gauges.filter({ hasText: title }).count(), 1, `one "${title}" gauge`);
    await waitForGaugeReadings(page, GAUGES.length, 60_000);
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
    await assertDeviceCardFits(page);
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
      assert.equal(
        await other.locator('.iotc-note').innerText(),
        'Charts: raw points',
        'the 1 h viewer reads raw points',
      );
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
    // At 1400 px the table has room for every column: headers side by side, each date on one line.
    const layout = await devicesTableLayout(page);
    assert.deepEqual(
      layout.headers.map((h) => h.text),
      ['Device ID', 'Registered', 'Last entry', 'Health', ''],
    );
    assertSideBySide(layout.headers);
    const virtual = layout.rows.find((r) => r.deviceId === 'virtual_device');
    assert.ok(virtual, JSON.stringify(layout.rows));
    assert.equal(virtual.dates.length, 2, 'Registered and Last entry');
    for (const date of virtual.dates) {
      assert.match(date.text, /^\d{4}-\d\d-\d\d \d\d:\d\d$/, 'one date format');
      assert.match(date.title, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'the seconds on hover');
      assert.equal(date.lines, 1, `${date.text} on one line`);
    }
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
    assert.deepEqual(await textStyle(health), { color: SILENT_RED, fontWeight: '700' }, 'silent in bold red');
    await saveScreenshot(page, 'devices-silent');

    await page.goto(`${baseUrl}/ui/#!/2`);
    await page.getByRole('button', { name: /start/i }).click();
    await toasts.waitFor(/virtual_device writes again/, 60_000);
    await page.goto(`${baseUrl}/ui/#!/1`);
    await health.filter({ hasText: /^ok$/ }).waitFor({ timeout: 30_000 });
    assert.equal((await textStyle(health)).color, OK_GREEN, 'ok in green');
    // A few more checks (every 2 s) while the health holds: nothing repeats.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    // A toast reads "Device health <what happened>" (its topic, then its payload).
    // Silent once and back once.
    assertHealthAlerts(await toasts.texts(), 'virtual_device', ['silent', 'back']);
  });

  it('fits a phone (390 px): nothing wider than the screen, every gauge and the devices table in view', async () => {
    const phone = await openPhonePage(browser);
    const small = phone.page;
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
        if (tab === '0') await assertDeviceCardFits(small);
        if (tab === '1') {
          // A phone's table leaves out the Registered column and the year: the last entry stays on one line.
          await small.locator('table.iotc-devices td.iotc-device-id', { hasText: 'virtual_device' }).waitFor();
          const layout = await devicesTableLayout(small);
          assert.deepEqual(
            layout.headers.map((h) => h.text),
            ['Device ID', 'Last entry', 'Health', ''],
          );
          assertSideBySide(layout.headers);
          for (const row of layout.rows) {
            assert.equal(row.dates.length, 1, JSON.stringify(row));
            assert.match(row.dates[0].text, /^(\d\d-\d\d \d\d:\d\d|never)$/);
            assert.equal(row.dates[0].lines, 1, JSON.stringify(row));
          }
          await saveScreenshot(small, 'devices-phone');
        }
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
      await phone.close();
    }
  });

  it("leaves no errors in the browser console beyond the dashboard library's own noise", () => {
    const ours = problems.errors.filter((e) => !DASHBOARD_NOISE.some((noise) => noise.test(e)));
    assert.deepEqual(ours, []);
  });
});

/** node-red-dashboard's colours of the Health cell (as in examples/dashboard-2.json). */
const SILENT_RED = 'rgb(214, 39, 40)';
const OK_GREEN = 'rgb(44, 160, 44)';

async function textStyle(cell: Locator): Promise<{ color: string; fontWeight: string }> {
  return cell.evaluate((td) => {
    const style = getComputedStyle(td.querySelector('span') ?? td);
    return { color: style.color, fontWeight: style.fontWeight };
  });
}

interface Box {
  text: string;
  left: number;
  right: number;
}

interface DevicesTableLayout {
  /** The visible header cells, left to right, with the box of their text. */
  headers: Box[];
  rows: Array<{ deviceId: string; dates: Array<{ text: string; title: string; lines: number }> }>;
}

/**
 * Where the devices table puts its header texts, and on how many lines each visible date cell is drawn (text
 * on one line has client rects of one top). The script is text: tsx would wrap a compiled function's inner
 * functions in `__name()`, which the page does not have.
 */
const READ_DEVICES_TABLE = `(() => {
  const visible = (e) => e.getBoundingClientRect().width > 0;
  const rangeOf = (e) => {
    const range = document.createRange();
    range.selectNodeContents(e);
    return range;
  };
  const textBox = (e) => {
    const r = rangeOf(e).getBoundingClientRect();
    return { text: e.innerText.trim(), left: r.left, right: r.right };
  };
  const lines = (e) => new Set(Array.from(rangeOf(e).getClientRects()).map((r) => Math.round(r.top))).size;
  return {
    headers: Array.from(document.querySelectorAll('table.iotc-devices th')).filter(visible).map(textBox),
    rows: Array.from(document.querySelectorAll('table.iotc-devices tbody tr'))
      .filter((tr) => tr.querySelector('td.iotc-device-id'))
      .map((tr) => ({
        deviceId: tr.querySelector('td.iotc-device-id').innerText.trim(),
        dates: Array.from(tr.querySelectorAll('td.iotc-date'))
          .filter(visible)
          .map((td) => ({ text: td.innerText.trim(), title: td.getAttribute('title') || '', lines: lines(td) })),
      })),
  };
})()`;

function devicesTableLayout(page: Page): Promise<DevicesTableLayout> {
  return page.evaluate(READ_DEVICES_TABLE) as Promise<DevicesTableLayout>;
}

/** Each header's text ends before the next one's begins: none touches or covers another. */
function assertSideBySide(headers: Box[]): void {
  for (let i = 1; i < headers.length; i++) {
    if (headers[i].text === '') continue;
    assert.ok(
      headers[i - 1].right + 4 <= headers[i].left,
      `"${headers[i - 1].text}" and "${headers[i].text}" touch: ${JSON.stringify(headers)}`,
    );
  }
}

/**
 * The Device card is one row tall and shows all of its content: the two selects side by side, the note under
 * them, nothing cut off and no blank rows.
 */
async function assertDeviceCardFits(page: Page): Promise<void> {
  const card = page.locator('md-card.nr-dashboard-template', { has: page.locator('.iotc-selection') });
  await card.locator('.iotc-note').waitFor();
  const fit = await card.evaluate((widget) => {
    const [self, device, range, note] = [
      widget,
      ...['md-select.iotc-device', 'md-select.iotc-range', '.iotc-note'].map(
        (selector) => widget.querySelector(selector) as Element,
      ),
    ].map((e) => e.getBoundingClientRect());
    const deviceText = widget.querySelector('md-select.iotc-device .md-select-value > span') as HTMLElement;
    return {
      height: self.height,
      widget: self.toJSON() as DOMRect,
      device: device.toJSON() as DOMRect,
      range: range.toJSON() as DOMRect,
      note: note.toJSON() as DOMRect,
      deviceText: { shown: deviceText.clientWidth, needed: deviceText.scrollWidth },
      scroll: {
        height: widget.scrollHeight,
        clientHeight: widget.clientHeight,
        width: widget.scrollWidth,
        clientWidth: widget.clientWidth,
      },
    };
  });
  const detail = JSON.stringify(fit);
  assert.equal(fit.height, 48, `one row of node-red-dashboard's grid: ${detail}`);
  assert.ok(fit.device.right <= fit.range.left, `the selects side by side: ${detail}`);
  assert.ok(fit.note.top >= fit.device.bottom && fit.note.top >= fit.range.bottom, `the note under them: ${detail}`);
  for (const part of [fit.device, fit.range, fit.note])
    assert.ok(
      part.top >= fit.widget.top && part.bottom <= fit.widget.bottom && part.right <= fit.widget.right,
      `inside the card: ${detail}`,
    );
  assert.ok(fit.scroll.height <= fit.scroll.clientHeight && fit.scroll.width <= fit.scroll.clientWidth, detail);
  assert.ok(fit.deviceText.needed <= fit.deviceText.shown, `"virtual_device" shown whole: ${detail}`);
}

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
