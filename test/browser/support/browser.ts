/**
 * Debian's Chromium driven by playwright-core, with the flags that work headless on this kind of machine
 * (reference: stack-notes.md section 3). A missing Chromium fails the tests with the command that
 * installs it: browser tests are never skipped silently.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { PACKAGE_ROOT } from './build';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS = path.join(PACKAGE_ROOT, 'test-artifacts');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(executablePath = CHROMIUM): Promise<TestBrowser> {
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `the browser tests need Chromium at ${executablePath}, which is missing: install it with: ` +
        'apt-get install --no-install-recommends chromium (or set CHROMIUM_PATH)',
    );
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-center-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Console errors and uncaught page errors of a page, as text, from the moment it is watched. */
export interface PageProblems {
  errors: string[];
  warnings: string[];
  /** Prefixed to each problem (e.g. the running test's title), to tell where it came from. */
  phase: string;
}

export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { errors: [], warnings: [], phase: '' };
  const where = (): string => (problems.phase ? `[${problems.phase}] ` : '');
  page.on('console', (message) => {
    if (message.type() === 'error') problems.errors.push(`${where()}console.error: ${message.text()}`);
    else if (message.type() === 'warning') problems.warnings.push(`${where()}${message.text()}`);
  });
  page.on('pageerror', (error) => problems.errors.push(`${where()}page error: ${error.message}`));
  return problems;
}

/** Saves a full-page screenshot as test-artifacts/<name>.png (and at `copyTo` too, when given); returns its path. */
export async function saveScreenshot(page: Page, name: string, copyTo?: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  if (copyTo) {
    fs.mkdirSync(path.dirname(copyTo), { recursive: true });
    fs.copyFileSync(file, copyTo);
  }
  return file;
}

/** A page the size of a phone (390 × 844, touch), in a context of its own when it can be; close() closes both. */
export async function openPhonePage(browser: TestBrowser): Promise<{ page: Page; close(): Promise<void> }> {
  const phone = await browser.context.browser()?.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await (phone ?? browser.context).newPage();
  if (!phone) await page.setViewportSize({ width: 390, height: 844 });
  return {
    page,
    close: async () => {
      await page.close();
      await phone?.close();
    },
  };
}
