/**
 * node-red-dashboard 3.x gauges (justgage) as the user reads them: the value is SVG text ("21.4", "1,009.8";
 * ppm as "1,136") beside the units and the min and max labels. Before any msg, each gauge draws its min as
 * the value (["0.0", "°C", "0", "40"]), so a number alone is no reading: the value must differ from the min.
 */
import type { Page } from 'playwright-core';

/**
 * Waits until at least `count` gauges are drawn and each shows a reading (a value other than its min
 * label). A real reading exactly at the min (the generator's floor, rare) only defers the pass to the next one.
 */
export async function waitForGaugeReadings(page: Page, count: number, timeoutMs: number): Promise<void> {
  const shown = page.waitForFunction(
    (atLeast) => {
      const gauges = Array.from(document.querySelectorAll('.nr-dashboard-gauge'));
      return (
        gauges.length >= atLeast &&
        gauges.every((gauge) => {
          // [value, min, max] in drawing order; the units label is not a number.
          const numbers = Array.from(gauge.querySelectorAll('svg text'))
            .map((t) => (t.textContent ?? '').trim())
            .filter((text) => /^-?[\d,]+(\.\d+)?$/.test(text))
            .map((text) => Number(text.replace(/,/g, '')));
          return numbers.length >= 3 && numbers[0] !== numbers[numbers.length - 2];
        })
      );
    },
    count,
    { timeout: timeoutMs },
  );
  await shown.catch(async (e: unknown) => {
    const texts = await page
      .$$eval('.nr-dashboard-gauge', (gauges) =>
        gauges.map((g) => Array.from(g.querySelectorAll('svg text')).map((t) => (t.textContent ?? '').trim())),
      )
      .catch(() => 'unreadable');
    throw new Error(`the gauges show no readings: ${JSON.stringify(texts)} (${String(e)})`);
  });
}
