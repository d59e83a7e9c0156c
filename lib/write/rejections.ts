/**
 * Reading InfluxDB's write error messages to find out what happened to which line.
 * OSS 400: one `unable to parse '<line>': <reason>` per bad line, joined by newlines, nothing written.
 * Cloud 400: `partial write error (N written): unable to parse ...`, the good lines were written.
 * OSS 422: `... partial write: <why> dropped=<n> ...`, the rest was written.
 */

export interface LineRejection {
  /** Index of the line in the batch that was sent. */
  index: number;
  reason: string;
}

const PREFIX = "unable to parse '";

export function mentionsUnparsableLines(message: string): boolean {
  return message.includes(PREFIX);
}

/**
 * The batch lines that the message names, each with the server's reason. Matching against the lines we
 * sent (rather than splitting the message) stays exact when a line itself holds `': ` or a newline.
 */
export function findRejectedLines(message: string, lines: readonly string[]): LineRejection[] {
  const found: LineRejection[] = [];
  lines.forEach((line, index) => {
    const head = `${PREFIX}${line}': `;
    const at = message.indexOf(head);
    if (at < 0) return;
    const from = at + head.length;
    const next = message.indexOf(`\n${PREFIX}`, from);
    found.push({ index, reason: message.slice(from, next < 0 ? undefined : next).trim() });
  });
  return found;
}

/** Cloud's `partial write error (N written)`: the lines not named were written. */
export function cloudWrittenCount(message: string): number | undefined {
  const m = /partial write error \((\d+) written\)/i.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** OSS 422 `dropped=<n>`: how many points of the batch were not written. */
export function droppedCount(message: string): number | undefined {
  const m = /dropped=(\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}
