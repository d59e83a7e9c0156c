/**
 * Go `encoding/csv` Reader as Flux configures it (`LazyQuotes`, any number of fields per record): empty
 * lines are skipped, CRLF line ends become LF, quoted fields may span lines, and a stray quote is kept.
 */

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts, for error messages. */
  line: number;
}

export function readCsvRecords(text: string, delimiter = ','): CsvRecord[] {
  const lines = splitLines(text);
  const records: CsvRecord[] = [];
  let next = 0;
  while (next < lines.length) {
    const start = next;
    let line = lines[next++];
    if (line === '\n') continue;
    const fields: string[] = [];
    let field = '';
    parse: for (;;) {
      if (!line.startsWith('"')) {
        const i = line.indexOf(delimiter);
        if (i >= 0) {
          fields.push(line.slice(0, i));
          line = line.slice(i + delimiter.length);
          continue;
        }
        fields.push(line.slice(0, line.length - 1)); // drop the '\n'
        break;
      }
      line = line.slice(1);
      field = '';
      for (;;) {
        const q = line.indexOf('"');
        if (q >= 0) {
          field += line.slice(0, q);
          line = line.slice(q + 1);
          if (line.startsWith('"')) {
            field += '"';
            line = line.slice(1);
          } else if (line.startsWith(delimiter)) {
            fields.push(field);
            line = line.slice(delimiter.length);
            continue parse;
          } else if (line === '\n') {
            fields.push(field);
            break parse;
          } else {
            field += '"'; // LazyQuotes: a bare quote inside a quoted field is data
          }
        } else if (next < lines.length) {
          field += line; // the field goes on to the next line, LF included
          line = lines[next++];
        } else {
          fields.push(field + line); // LazyQuotes: EOF ends an open quote (Go keeps the last LF)
          break parse;
        }
      }
    }
    records.push({ fields, line: start + 1 });
  }
  return records;
}

// Lines with their terminator normalised to '\n' (Go readLine: CRLF -> LF, a final line gets one, and a
// CR right before EOF is dropped). A bare CR elsewhere is data.
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let from = 0;
  while (from < text.length) {
    const nl = text.indexOf('\n', from);
    let line: string;
    if (nl < 0) {
      line = text.slice(from);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      line += '\n';
      from = text.length;
    } else {
      line = text.slice(from, nl + 1);
      if (line.endsWith('\r\n')) line = line.slice(0, -2) + '\n';
      from = nl + 1;
    }
    lines.push(line);
  }
  return lines;
}
