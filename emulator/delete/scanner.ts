/**
 * The InfluxQL scanner (influxdata/influxql v1.2.0 scanner.go), as far as delete predicates reach it.
 * Positions, token names and quirks are kept because InfluxDB's error messages quote them: a position
 * is the 0-based rune column, a single-quoted string reports the column of the rune before its quote.
 */

export type Tok =
  | 'ILLEGAL'
  | 'EOF'
  | 'WS'
  | 'COMMENT'
  | 'IDENT'
  | 'BOUNDPARAM'
  | 'NUMBER'
  | 'INTEGER'
  | 'DURATIONVAL'
  | 'STRING'
  | 'BADSTRING'
  | 'BADESCAPE'
  | 'TRUE'
  | 'FALSE'
  | 'ADD'
  | 'SUB'
  | 'MUL'
  | 'DIV'
  | 'MOD'
  | 'BITWISE_AND'
  | 'BITWISE_OR'
  | 'BITWISE_XOR'
  | 'AND'
  | 'OR'
  | 'EQ'
  | 'NEQ'
  | 'EQREGEX'
  | 'NEQREGEX'
  | 'LT'
  | 'LTE'
  | 'GT'
  | 'GTE'
  | 'LPAREN'
  | 'RPAREN'
  | 'COMMA'
  | 'COLON'
  | 'DOUBLECOLON'
  | 'SEMICOLON'
  | 'DOT'
  /** Any InfluxQL keyword other than AND, OR, TRUE, FALSE; `keyword` holds its upper-case name. */
  | 'KEYWORD';

export interface Pos {
  line: number;
  char: number;
}

export interface Token {
  tok: Tok;
  pos: Pos;
  lit: string;
  /** Upper-case keyword name when tok is KEYWORD (e.g. NAME, SELECT). */
  keyword?: string;
}

const OPERATORS = new Set<Tok>([
  'ADD',
  'SUB',
  'MUL',
  'DIV',
  'MOD',
  'BITWISE_AND',
  'BITWISE_OR',
  'BITWISE_XOR',
  'AND',
  'OR',
  'EQ',
  'NEQ',
  'EQREGEX',
  'NEQREGEX',
  'LT',
  'LTE',
  'GT',
  'GTE',
]);

export function isOperator(tok: Tok): boolean {
  return OPERATORS.has(tok);
}

/** Go's `Token.String()`: INTEGER, BOUNDPARAM and COMMENT have no name there, so they print as "". */
const TOKEN_NAMES: Partial<Record<Tok, string>> = {
  ILLEGAL: 'ILLEGAL',
  EOF: 'EOF',
  WS: 'WS',
  IDENT: 'IDENT',
  NUMBER: 'NUMBER',
  DURATIONVAL: 'DURATIONVAL',
  STRING: 'STRING',
  BADSTRING: 'BADSTRING',
  BADESCAPE: 'BADESCAPE',
  TRUE: 'TRUE',
  FALSE: 'FALSE',
  ADD: '+',
  SUB: '-',
  MUL: '*',
  DIV: '/',
  MOD: '%',
  BITWISE_AND: '&',
  BITWISE_OR: '|',
  BITWISE_XOR: '^',
  AND: 'AND',
  OR: 'OR',
  EQ: '=',
  NEQ: '!=',
  EQREGEX: '=~',
  NEQREGEX: '!~',
  LT: '<',
  LTE: '<=',
  GT: '>',
  GTE: '>=',
  LPAREN: '(',
  RPAREN: ')',
  COMMA: ',',
  COLON: ':',
  DOUBLECOLON: '::',
  SEMICOLON: ';',
  DOT: '.',
};

export function tokenName(t: Pick<Token, 'tok' | 'keyword'>): string {
  if (t.tok === 'KEYWORD') return t.keyword ?? '';
  return TOKEN_NAMES[t.tok] ?? '';
}

/** influxql token.go keywords (AND, OR, TRUE, FALSE have their own tokens). */
const KEYWORDS = new Set(
  (
    'ALL ALTER ANALYZE ANY AS ASC BEGIN BY CARDINALITY CREATE CONTINUOUS DATABASE DATABASES DEFAULT DELETE ' +
    'DESC DESTINATIONS DIAGNOSTICS DISTINCT DROP DURATION END EVERY EXACT EXPLAIN FIELD FOR FROM GRANT GRANTS ' +
    'GROUP GROUPS IN INF INSERT INTO KEY KEYS KILL LIMIT MEASUREMENT MEASUREMENTS NAME OFFSET ON ORDER PASSWORD ' +
    'POLICY POLICIES PRIVILEGES QUERIES QUERY READ REPLICATION RESAMPLE RETENTION REVOKE SELECT SERIES SET SHOW ' +
    'SHARD SHARDS SLIMIT SOFFSET STATS SUBSCRIPTION SUBSCRIPTIONS TAG TO USER USERS VALUES VERBOSE WHERE WITH WRITE'
  ).split(' '),
);

const EOF_CH = '\0';

/** Rune reader with a 3-slot unread ring, as influxql's `reader`; `\r` and `\r\n` read as `\n`. */
class Reader {
  private readonly runes: string[];
  private next = 0;
  private readonly ring: { ch: string; pos: Pos }[] = [0, 1, 2].map(() => ({ ch: EOF_CH, pos: { line: 0, char: 0 } }));
  private i = 0;
  private n = 0;
  private pos: Pos = { line: 0, char: 0 };
  private seenEof = false;

  constructor(text: string) {
    this.runes = Array.from(text);
  }

  read(): { ch: string; pos: Pos } {
    if (this.n > 0) {
      this.n--;
      return this.curr();
    }
    let ch = this.next < this.runes.length ? (this.runes[this.next++] as string) : EOF_CH;
    if (ch === '\r') {
      if (this.runes[this.next] === '\n') this.next++;
      ch = '\n';
    }
    this.i = (this.i + 1) % 3;
    this.ring[this.i] = { ch, pos: { ...this.pos } };
    if (ch === '\n') this.pos = { line: this.pos.line + 1, char: 0 };
    else if (!this.seenEof) this.pos = { line: this.pos.line, char: this.pos.char + 1 };
    if (ch === EOF_CH) this.seenEof = true;
    return this.curr();
  }

  unread(): void {
    this.n++;
  }

  curr(): { ch: string; pos: Pos } {
    return this.ring[(this.i - this.n + 3) % 3] as { ch: string; pos: Pos };
  }
}

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\n';
const isLetter = (ch: string) => (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
const isDigit = (ch: string) => ch >= '0' && ch <= '9';
const isIdentChar = (ch: string) => isLetter(ch) || isDigit(ch) || ch === '_';

export class Scanner {
  private readonly r: Reader;

  constructor(text: string) {
    this.r = new Reader(text);
  }

  scan(): Token {
    const { ch: ch0, pos } = this.r.read();
    if (isWhitespace(ch0)) return this.scanWhitespace(pos);
    if (isLetter(ch0) || ch0 === '_') {
      this.r.unread();
      return this.scanIdent(true);
    }
    if (isDigit(ch0)) return this.scanNumber();
    const at = (tok: Tok, lit = ''): Token => ({ tok, pos, lit });
    switch (ch0) {
      case EOF_CH:
        return at('EOF');
      case '"':
        this.r.unread();
        return this.scanIdent(true);
      case "'":
        return this.scanString();
      case '.': {
        const ch1 = this.r.read().ch;
        this.r.unread();
        return isDigit(ch1) ? this.scanNumber() : at('DOT');
      }
      case '$': {
        const ident = this.scanIdent(false);
        return { tok: ident.tok === 'IDENT' ? 'BOUNDPARAM' : ident.tok, pos, lit: '$' + ident.lit };
      }
      case '+':
        return at('ADD');
      case '-':
        if (this.r.read().ch === '-') {
          this.skipUntilNewline();
          return at('COMMENT');
        }
        this.r.unread();
        return at('SUB');
      case '*':
        return at('MUL');
      case '/':
        if (this.r.read().ch === '*') return this.skipUntilEndComment() ? at('COMMENT') : at('ILLEGAL');
        this.r.unread();
        return at('DIV');
      case '%':
        return at('MOD');
      case '&':
        return at('BITWISE_AND');
      case '|':
        return at('BITWISE_OR');
      case '^':
        return at('BITWISE_XOR');
      case '=':
        if (this.r.read().ch === '~') return at('EQREGEX');
        this.r.unread();
        return at('EQ');
      case '!': {
        const ch1 = this.r.read().ch;
        if (ch1 === '=') return at('NEQ');
        if (ch1 === '~') return at('NEQREGEX');
        this.r.unread();
        return at('ILLEGAL', ch0);
      }
      case '>':
        if (this.r.read().ch === '=') return at('GTE');
        this.r.unread();
        return at('GT');
      case '<': {
        const ch1 = this.r.read().ch;
        if (ch1 === '=') return at('LTE');
        if (ch1 === '>') return at('NEQ');
        this.r.unread();
        return at('LT');
      }
      case '(':
        return at('LPAREN');
      case ')':
        return at('RPAREN');
      case ',':
        return at('COMMA');
      case ';':
        return at('SEMICOLON');
      case ':':
        if (this.r.read().ch === ':') return at('DOUBLECOLON');
        this.r.unread();
        return at('COLON');
      default:
        return at('ILLEGAL', ch0);
    }
  }

  private scanWhitespace(pos: Pos): Token {
    let lit = this.r.curr().ch;
    for (;;) {
      const { ch } = this.r.read();
      if (ch === EOF_CH) break;
      if (!isWhitespace(ch)) {
        this.r.unread();
        break;
      }
      lit += ch;
    }
    return { tok: 'WS', pos, lit };
  }

  private skipUntilNewline(): void {
    for (;;) {
      const { ch } = this.r.read();
      if (ch === '\n' || ch === EOF_CH) return;
    }
  }

  /** False when the comment never ends. */
  private skipUntilEndComment(): boolean {
    for (;;) {
      let ch = this.r.read().ch;
      if (ch === EOF_CH) return false;
      while (ch === '*') {
        ch = this.r.read().ch;
        if (ch === '/') return true;
        if (ch === EOF_CH) return false;
      }
    }
  }

  private scanIdent(lookup: boolean): Token {
    const { pos } = this.r.read();
    this.r.unread();
    let lit = '';
    for (;;) {
      const { ch } = this.r.read();
      if (ch === EOF_CH) break;
      if (ch === '"') {
        const quoted = this.scanString();
        if (quoted.tok === 'BADSTRING' || quoted.tok === 'BADESCAPE') return quoted;
        return { tok: 'IDENT', pos, lit: quoted.lit };
      }
      if (!isIdentChar(ch)) {
        this.r.unread();
        break;
      }
      lit += ch;
    }
    if (lookup) {
      const upper = lit.toUpperCase();
      if (upper === 'AND' || upper === 'OR' || upper === 'TRUE' || upper === 'FALSE')
        return { tok: upper, pos, lit: '' };
      if (KEYWORDS.has(upper)) return { tok: 'KEYWORD', pos, lit: '', keyword: upper };
    }
    return { tok: 'IDENT', pos, lit };
  }

  /** A quoted string (either quote); escapes `\n \\ \" \'`. Reports the position of the rune before the quote. */
  private scanString(): Token {
    this.r.unread();
    const pos = this.r.curr().pos;
    const ending = this.r.read().ch;
    let lit = '';
    for (;;) {
      const ch0 = this.r.read().ch;
      if (ch0 === ending) return { tok: 'STRING', pos, lit };
      if (ch0 === EOF_CH || ch0 === '\n') return { tok: 'BADSTRING', pos, lit };
      if (ch0 === '\\') {
        const ch1 = this.r.read().ch;
        const escaped = ch1 === 'n' ? '\n' : ch1 === '\\' || ch1 === '"' || ch1 === "'" ? ch1 : undefined;
        if (escaped === undefined) return { tok: 'BADESCAPE', pos: this.r.curr().pos, lit: ch0 + ch1 };
        lit += escaped;
      } else {
        lit += ch0;
      }
    }
  }

  private scanNumber(): Token {
    // Entered with the first rune (a digit, or a '.' whose digit was peeked) as the last read: step back.
    const { pos } = this.r.curr();
    this.r.unread();
    let lit = this.scanDigits();
    let isDecimal = false;
    if (this.r.read().ch === '.') {
      isDecimal = true;
      const ch1 = this.r.read().ch;
      if (isDigit(ch1)) lit += '.' + ch1 + this.scanDigits();
      else this.r.unread();
    } else {
      this.r.unread();
    }
    if (isDecimal) return { tok: 'NUMBER', pos, lit };
    const first = this.r.read().ch;
    if (!isLetter(first) && first !== 'µ') {
      this.r.unread();
      return { tok: 'INTEGER', pos, lit };
    }
    lit += first;
    for (;;) {
      const c = this.r.read().ch;
      if (!isLetter(c) && c !== 'µ') {
        this.r.unread();
        break;
      }
      lit += c;
    }
    for (;;) {
      const c = this.r.read().ch;
      if (!isLetter(c) && c !== 'µ' && !isDigit(c)) {
        this.r.unread();
        break;
      }
      lit += c;
    }
    return { tok: 'DURATIONVAL', pos, lit };
  }

  private scanDigits(): string {
    let digits = '';
    for (;;) {
      const { ch } = this.r.read();
      if (!isDigit(ch)) {
        this.r.unread();
        return digits;
      }
      digits += ch;
    }
  }
}
