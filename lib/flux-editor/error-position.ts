/**
 * Where in the user's Flux an InfluxDB error points. InfluxDB writes positions as `@line:col-line:col`
 * (`error @3:6-3:12: undefined identifier foo`); when a `params` record was put in front of the user's
 * Flux, the lines after it are one further down than in the editor.
 */

export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

const POSITION = /@(\d+):(\d+)(?:-(\d+):(\d+))?/;

/** The first `@l:c[-l:c]` range in an error message (1-based), or undefined. */
export function errorRange(message: string): SourceRange | undefined {
  const match = POSITION.exec(message);
  if (!match) return undefined;
  const line = Number(match[1]);
  const column = Number(match[2]);
  const endLine = match[3] === undefined ? line : Number(match[3]);
  const endColumn = match[4] === undefined ? column : Number(match[4]);
  return { line, column, endLine, endColumn };
}

/**
 * Maps a range in the Flux that was sent back to the Flux the user wrote, when `sent` is `written` with
 * one line inserted. Returns undefined when the range lies in the inserted line (the user cannot see it).
 */
export function rangeInWritten(range: SourceRange, sent: string, written: string): SourceRange | undefined {
  if (sent === written) return range;
  const sentLines = sent.split('\n');
  const writtenLines = written.split('\n');
  if (sentLines.length !== writtenLines.length + 1) return range;
  let inserted = 0;
  while (inserted < writtenLines.length && sentLines[inserted] === writtenLines[inserted]) inserted++;
  const toWritten = (line: number): number | undefined =>
    line - 1 < inserted ? line : line - 1 === inserted ? undefined : line - 1;
  const line = toWritten(range.line);
  const endLine = toWritten(range.endLine);
  if (line === undefined || endLine === undefined) return undefined;
  return { ...range, line, endLine };
}
