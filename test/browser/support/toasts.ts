/**
 * What a dashboard's toasts said while a test ran: a MutationObserver in the page keeps the text of every
 * element matching `selector` that appears (node-red-dashboard's md-toast, Dashboard 2.0's v-snackbar), so a
 * test can count alerts that stay on screen only a few seconds. It lasts until the page loads another document.
 */
import type { Page } from 'playwright-core';

export interface ToastRecorder {
  /** The texts so far, in order of appearance. */
  texts(): Promise<string[]>;
  /** Waits until a toast matching `pattern` has appeared. */
  waitFor(pattern: RegExp, ms: number): Promise<string>;
}

export async function recordToasts(page: Page, selector: string): Promise<ToastRecorder> {
  // Plain JavaScript text: code that the test runner compiles would carry its helpers (`__name`) into the page.
  await page.evaluate(`(() => {
    const seen = [];
    window.iotcToasts = seen;
    // A toast element may be reused for the next message: a new text in it is a new toast.
    const shown = new WeakMap();
    const collect = () => {
      for (const toast of Array.from(document.querySelectorAll(${JSON.stringify(selector)}))) {
        const text = (toast.textContent || '').replace(/\\s+/g, ' ').trim();
        if (text === '' || shown.get(toast) === text) continue;
        shown.set(toast, text);
        seen.push(text);
      }
    };
    new MutationObserver(collect).observe(document.body, { childList: true, subtree: true, characterData: true });
    collect();
  })()`);
  const texts = (): Promise<string[]> =>
    page.evaluate(() => [...(window as unknown as { iotcToasts: string[] }).iotcToasts]);
  return {
    texts,
    waitFor: async (pattern, ms) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = (await texts()).find((t) => pattern.test(t));
        if (found !== undefined) return found;
        if (Date.now() > deadline)
          throw new Error(`no toast ${pattern} within ${ms} ms: ${JSON.stringify(await texts())}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}

/**
 * The device-health alerts among `texts`, as states ('silent' or 'back'), checked to be exactly `expected`: one
 * alert per change of state. A point made before the silent alert that reaches InfluxDB after it does not bring
 * the device back (the example's check judges entries by when they were made).
 */
export function assertHealthAlerts(
  texts: readonly string[],
  device: string,
  expected: ReadonlyArray<'silent' | 'back'>,
): string[] {
  const states = texts
    .filter((t) => t.includes(device))
    .map((t) => (/is silent: no entry for \d+ s/.test(t) ? 'silent' : /writes again/.test(t) ? 'back' : `other: ${t}`));
  if (states.length !== expected.length || states.some((s, i) => s !== expected[i]))
    throw new Error(`health alerts for ${device} should be ${JSON.stringify(expected)}: ${JSON.stringify(texts)}`);
  return states;
}
