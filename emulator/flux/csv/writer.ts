/**
 * Go `encoding/csv` Writer with `UseCRLF = true`, the writer Flux encodes query results with: a field is
 * quoted only when it must be, and the byte-level details (CR handling inside quotes) follow Go exactly.
 */

const CRLF = '\r\n';

/** One record followed by CRLF; an empty record is just CRLF (Go `writer.Write(nil)`). */
export function csvRecord(fields: readonly string[], delimiter: string): string {
  return fields.map((f) => csvField(f, delimiter)).join(delimiter) + CRLF;
}

/** One field as the record holds it (quoted when it must be). */
export function csvField(field: string, delimiter: string): string {
  return needsQuotes(field, delimiter) ? quote(field) : field;
}

export const EMPTY_LINE = CRLF;

// Go fieldNeedsQuotes: delimiter, quote, CR or LF anywhere, `\.` (for Postgres), or a leading space.
function needsQuotes(field: string, delimiter: string): boolean {
  if (field === '') return false;
  if (field === '\\.') return true;
  if (field.includes(delimiter) || /["\r\n]/.test(field)) return true;
  return isGoSpace(field.codePointAt(0) ?? 0);
}

// Inside quotes Go doubles `"`, writes LF as CRLF and drops a bare CR (UseCRLF).
function quote(field: string): string {
  return '"' + field.replace(/"/g, '""').replace(/\r/g, '').replace(/\n/g, CRLF) + '"';
}

// Go unicode.IsSpace: Latin-1 spaces plus the Unicode White_Space code points above U+00FF.
function isGoSpace(cp: number): boolean {
  switch (cp) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200a;
  }
}
