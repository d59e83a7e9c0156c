/**
 * Reading FlowFuse Dashboard 2.0 (@flowfuse/node-red-dashboard 1.x) in Chromium: what its gauges show,
 * what its ECharts charts plot, and its Vuetify dropdowns. Widgets carry the id of their Node-RED node
 * (`#nrdb-ui-widget-<id>`), so tests address them by the flow's ids.
 */
import type { Page } from 'playwright-core';

export interface GaugeReading {
  id: string;
  title: string;
  /** The number as the gauge prints it ("21.4", "1009"). */
  value: string;
  units: string;
  /** The printed min and max of the dial. */
  limits: string[];
  /** The needle's rotation as drawn now, in degrees (it turns from the old value to the new one). */
  needleDeg: number | undefined;
}

/** Every ui-gauge on the page, as the user reads it. */
export function gaugeReadings(page: Page): Promise<GaugeReading[]> {
  return page.$$eval('.nrdb-ui-widget.nrdb-ui-gauge', (widgets) =>
    widgets.map((widget) => ({
      id: widget.id.replace(/^nrdb-ui-widget-/, ''),
      title: widget.querySelector('.nrdb-ui-gauge-title')?.textContent?.trim() ?? '',
      value: widget.querySelector('.nrdb-ui-gauge-value > span')?.textContent?.trim() ?? '',
      units: widget.querySelector('.nrdb-ui-gauge-value > label')?.textContent?.trim() ?? '',
      limits: Array.from(widget.querySelectorAll('#limits text')).map((t) => t.textContent?.trim() ?? ''),
      needleDeg: ((rotate) => (rotate ? Number(rotate[1]) : undefined))(
        /rotate\((-?[\d.]+)deg\)/.exec(
          (widget.querySelector('#needle-container') as HTMLElement | null)?.style.transform ?? '',
        ),
      ),
    })),
  );
}

/**
 * Whether the half gauge's needle points at its printed value (clamped to the dial): -90° at min, 90° at
 * max. False while the needle still turns towards a new value.
 */
export function needleOnValue(gauge: GaugeReading): boolean {
  const [min, max] = gauge.limits.map(Number);
  const value = Number(gauge.value.replace(/,/g, ''));
  if (gauge.needleDeg === undefined || ![min, max, value].every(Number.isFinite)) return false;
  const share = Math.min(1, Math.max(0, (value - min) / (max - min)));
  // The printed value is rounded (1009.9 of 1009.94...): a degree is closer than that rounding can move it.
  return Math.abs(gauge.needleDeg - (-90 + 180 * share)) < 1;
}

export interface ChartState {
  /** The ui-chart node's id. */
  id: string;
  /** Each ECharts series: its name and its points `[x (ms), y]`. */
  series: Array<{ name: string; points: Array<[number, number]> }>;
}

/**
 * What each ui-chart's ECharts instance plots (`chart.getOption().series`). The page bundles ECharts without
 * a global, so the instances are found through the Vue app's component tree: a DBUIChart component keeps its
 * instance in `chart`. The script is text because tsx would wrap a compiled function's inner functions in
 * `__name()`, which the page does not have.
 */
const READ_CHARTS = `(() => {
  const charts = [];
  const seen = new Set();
  const visitNode = (vnode) => {
    if (!vnode || typeof vnode !== 'object') return;
    if (vnode.component) visitInstance(vnode.component);
    if (Array.isArray(vnode.children)) vnode.children.forEach(visitNode);
    if (vnode.suspense && vnode.suspense.activeBranch) visitNode(vnode.suspense.activeBranch);
  };
  const visitInstance = (instance) => {
    if (seen.has(instance)) return;
    seen.add(instance);
    const chart = instance.proxy && instance.proxy.chart;
    if (chart && typeof chart.getOption === 'function') {
      charts.push({
        id: String((instance.props && instance.props.id) || ''),
        series: (chart.getOption().series || []).map((s) => ({ name: String(s.name || ''), points: s.data || [] })),
      });
    }
    visitNode(instance.subTree);
  };
  const root = document.querySelector('#app');
  visitNode(root && root._vnode);
  return charts;
})()`;

export function chartStates(page: Page): Promise<ChartState[]> {
  return page.evaluate(READ_CHARTS) as Promise<ChartState[]>;
}

/** Picks `option` in the ui-dropdown of node `id` as a user does: open the menu, click the entry. */
export async function chooseOption(page: Page, id: string, option: string): Promise<void> {
  await page.locator(`[id="nrdb-ui-widget-${id}"] .v-field`).click();
  await page.locator('.v-overlay--active .v-list-item').filter({ hasText: option }).click();
}

/**
 * Closes the "App is offline ready" toast that Dashboard 2.0 shows once its service worker is ready
 * (stack-notes.md section 3), when it is there; it would otherwise cover widgets in screenshots.
 */
export async function dismissOfflineToast(page: Page): Promise<void> {
  const toast = page.locator('.v-snackbar').filter({ hasText: 'App is offline ready' });
  if (await toast.isVisible()) await toast.getByRole('button', { name: /close/i }).click();
}
