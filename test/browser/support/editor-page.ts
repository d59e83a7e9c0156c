/**
 * The Node-RED editor in a page: open it, open and close a node's edit dialog, read what Monaco holds.
 * Dialogs are opened through RED.editor.edit (what a double click does) so tests do not depend on where
 * a node is drawn.
 */
import type { Page } from 'playwright-core';

/** Loads the editor in `page` and waits until the palette shows our nodes and the deployed node `nodeId` is loaded. */
export async function openEditor(page: Page, url: string, nodeId: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('.red-ui-palette-node[data-palette-type="iot-query"]', { timeout: 30_000 });
  await page.waitForFunction((id) => (globalThis as unknown as EditorGlobals).RED?.nodes.node(id) != null, nodeId, {
    timeout: 30_000,
  });
}

export async function openNodeDialog(page: Page, id: string): Promise<void> {
  await page.evaluate((nodeId) => {
    const { RED } = globalThis as unknown as EditorGlobals;
    RED.editor.edit(RED.nodes.node(nodeId));
  }, id);
  await page.waitForSelector('.red-ui-tray #dialog-form', { timeout: 15_000 });
  // The tray focuses its first control 150 ms after opening; typing before that would lose the focus.
  await page.waitForSelector('.red-ui-tray :focus', { timeout: 15_000 });
}

/** Drags the open dialog's left edge `by` pixels to the left (as a user widens it). */
export async function widenDialog(page: Page, by: number): Promise<void> {
  const handle = await page.locator('.red-ui-tray .red-ui-tray-resize-handle').boundingBox();
  if (!handle) throw new Error('the dialog has no resize handle');
  const x = handle.x + handle.width / 2;
  const y = handle.y + handle.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x - by / 2, y, { steps: 5 });
  await page.mouse.move(x - by, y, { steps: 5 });
  await page.mouse.up();
}

/** Closes the edit dialog with Done (`save`) or Cancel and waits until the tray is gone. */
export async function closeNodeDialog(page: Page, how: 'save' | 'cancel'): Promise<void> {
  // A hover or suggestion widget floats above the tray's buttons; moving away closes it.
  await page.mouse.move(1, 1);
  await page.keyboard.press('Escape');
  await page.click(how === 'save' ? '#node-dialog-ok' : '#node-dialog-cancel');
  await page.waitForSelector('.red-ui-tray #dialog-form', { state: 'detached', timeout: 15_000 });
}

/** The part of the editor page's globals that tests read inside page.evaluate callbacks. */
export interface EditorGlobals {
  RED: {
    nodes: {
      node(id: string): (Record<string, unknown> & { id: string }) | null;
      getType(type: string): { category?: string } | undefined;
    };
    editor: { edit(node: unknown): void };
  };
}
