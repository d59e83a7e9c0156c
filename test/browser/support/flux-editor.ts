/**
 * The iot-query dialog's Flux editor as tests see it: its Monaco editor (found by the model's language),
 * its markers, its suggestion list. Page functions are self-contained, as page.evaluate requires.
 */
import type { Locator, Page } from 'playwright-core';

/** The Monaco globals page functions read (typed here because the test project has no DOM/Monaco types). */
export interface MonacoGlobals {
  monaco: {
    editor: {
      getEditors(): MonacoEditor[];
      getModels(): Array<{ getLanguageId(): string; uri: { toString(): string } }>;
      getModelMarkers(filter: {
        owner?: string;
      }): Array<{ message: string; startLineNumber: number; startColumn: number }>;
    };
  };
  IotCenterFlux: { lsp(): { state: string; restarts: number; post(message: object): void } };
}

interface MonacoEditor {
  getModel(): { getLanguageId(): string; getLineCount(): number; getLineMaxColumn(line: number): number } | null;
  getValue(): string;
  setValue(value: string): void;
  setPosition(position: { lineNumber: number; column: number }): void;
  focus(): void;
  getRawOptions(): { wordWrap?: string };
}

export const FLUX_EDITOR = '.iot-query-flux .monaco-editor';

/** Waits until the dialog's Flux editor exists and its language server is `state` (ready, unavailable, off). */
export async function waitForFluxEditor(page: Page, state: string): Promise<void> {
  await page.waitForSelector(`.iot-query-flux-toolbar[data-lsp-state="${state}"]`, { timeout: 30_000 });
}

export function fluxValue(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { monaco } = globalThis as unknown as MonacoGlobals;
    const editor = monaco.editor.getEditors().find((e) => e.getModel()?.getLanguageId() === 'flux');
    if (!editor) throw new Error('no Flux editor on the page');
    return editor.getValue();
  });
}

/** Replaces the text and puts the cursor at its end, focused, ready for typing. */
export async function setFluxValue(page: Page, text: string): Promise<void> {
  await page.evaluate((value) => {
    const { monaco } = globalThis as unknown as MonacoGlobals;
    const editor = monaco.editor.getEditors().find((e) => e.getModel()?.getLanguageId() === 'flux');
    const model = editor?.getModel();
    if (!editor || !model) throw new Error('no Flux editor on the page');
    editor.setValue(value);
    const last = model.getLineCount();
    editor.setPosition({ lineNumber: last, column: model.getLineMaxColumn(last) });
    editor.focus();
  }, text);
}

/** Polls until a marker of `owner` says `message`; returns it (1-based line and column). */
export async function waitForMarker(
  page: Page,
  owner: string,
  message: RegExp,
): Promise<{ message: string; startLineNumber: number; startColumn: number }> {
  const handle = await page.waitForFunction(
    ({ markerOwner, source }) => {
      const { monaco } = globalThis as unknown as MonacoGlobals;
      const pattern = new RegExp(source);
      return monaco.editor.getModelMarkers({ owner: markerOwner }).find((m) => pattern.test(m.message)) ?? false;
    },
    { markerOwner: owner, source: message.source },
    { timeout: 20_000 },
  );
  return (await handle.jsonValue()) as { message: string; startLineNumber: number; startColumn: number };
}

/** The visible suggestion with this label. */
export function suggestion(page: Page, label: string): Locator {
  return page.locator('.suggest-widget.visible .monaco-list-row .label-name', { hasText: new RegExp(`^${label}$`) });
}
