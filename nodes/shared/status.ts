/**
 * Node status lines stay short, so that they never run over the neighbouring nodes in the editor: state and
 * counts only; the detail goes to the log, done(err) and the debug sidebar.
 */
import type { NodeStatus } from 'node-red';

export const MAX_STATUS_LENGTH = 40;

/** The text cut to MAX_STATUS_LENGTH characters, with an ellipsis when cut. */
export function shortText(text: string): string {
  const chars = Array.from(text);
  return chars.length <= MAX_STATUS_LENGTH ? text : `${chars.slice(0, MAX_STATUS_LENGTH - 1).join('')}…`;
}

/** The status with its text cut to fit. */
export function shortStatus(status: NodeStatus): NodeStatus {
  return typeof status.text === 'string' ? { ...status, text: shortText(status.text) } : status;
}

/** Counts at a glance: 950, 12k, 3.4M. */
export function compactCount(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) < 10_000) return String(n);
  if (Math.abs(n) < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}
