/**
 * Delete predicates exactly as InfluxDB 2.7 reads them (predicate/parser.go, logical.go, tag_rule.go):
 * `key="value"` or `key!="value"` rules joined by AND, with parentheses; OR and regex operators are
 * refused with OSS's messages. The parser's odd corners are kept on purpose (two rules without AND
 * parse, then fail as `the logical operator '\x00' is invalid`; a dangling AND is accepted), since
 * clients see their results.
 */
import { ApiError } from '../errors';
import { goQuote } from '../http/format';
import { Scanner, type Token, tokenName } from './scanner';

export interface TagRule {
  kind: 'tag';
  key: string;
  op: 'eq' | 'neq';
  value: string;
}

export interface LogicalNode {
  kind: 'logical';
  /** 1 = AND; 0 = no operator seen (OSS keeps such a node and fails on it later). */
  operator: 0 | 1;
  children: [PredicateNode | null, PredicateNode | null];
}

export type PredicateNode = TagRule | LogicalNode;

/** What a series looks like to a predicate: its measurement, field and tags. */
export interface SeriesView {
  measurement: string;
  field: string;
  tags: [string, string][];
}

const invalid = (message: string) => new ApiError('invalid', message);

/** predicate.Parse: null for an empty predicate (delete everything in the time range). */
export function parsePredicate(text: string): PredicateNode | null {
  if (text === '') return null;
  return new PredicateParser(text).parseLogicalNode();
}

/**
 * predicate.New: checks the tree the way `ToDataType` does. Returns a matcher; a series matches when
 * every rule holds, and a rule on a tag the series lacks never holds (tsm1 predicate `needMore`).
 */
export function compilePredicate(node: PredicateNode | null): (series: SeriesView) => boolean {
  if (node === null) return () => true;
  checkNode(node);
  return (series) => evaluate(node, series);
}

function checkNode(node: PredicateNode): void {
  if (node.kind === 'tag') return;
  if (node.operator !== 1) throw invalid(`the logical operator '\\x00' is invalid`);
  node.children.forEach((child, i) => {
    if (child === null) throw new ApiError('internal error', 'a panic has occurred: nil predicate node');
    try {
      checkNode(child);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid') throw invalid(`Err in Child ${i}, err: ${err.message}`);
      throw err;
    }
  });
}

function evaluate(node: PredicateNode, series: SeriesView): boolean {
  if (node.kind === 'logical') return node.children.every((child) => child !== null && evaluate(child, series));
  const actual = valueOf(series, node.key);
  if (actual === undefined) return false;
  return node.op === 'eq' ? actual === node.value : actual !== node.value;
}

function valueOf(series: SeriesView, key: string): string | undefined {
  if (key === '_measurement') return series.measurement;
  if (key === '_field') return series.field;
  return series.tags.find(([k]) => k === key)?.[1];
}

/** A port of OSS's predicate parser, with its 3-token unread ring. */
class PredicateParser {
  private readonly scanner: Scanner;
  private readonly ring: Token[] = [];
  private i = 0;
  private n = 0;
  private openParen = 0;

  constructor(text: string) {
    this.scanner = new Scanner(text);
  }

  private scan(): Token {
    if (this.n > 0) {
      this.n--;
      return this.curr();
    }
    this.i = (this.i + 1) % 3;
    this.ring[this.i] = this.scanner.scan();
    return this.curr();
  }

  private unscan(): void {
    this.n++;
  }

  private curr(): Token {
    return this.ring[(this.i - this.n + 3) % 3] as Token;
  }

  private scanIgnoreWhitespace(): Token {
    const t = this.scan();
    return t.tok === 'WS' ? this.scan() : t;
  }

  private peekTok(): Token['tok'] {
    const t = this.scanIgnoreWhitespace();
    if (t.tok !== 'EOF') this.unscan();
    return t.tok;
  }

  parseLogicalNode(): PredicateNode | null {
    let node: LogicalNode = { kind: 'logical', operator: 0, children: [null, null] };
    for (;;) {
      const t = this.scanIgnoreWhitespace();
      const isNameKeyword = t.tok === 'KEYWORD' && t.keyword === 'NAME';
      if (t.tok === 'NUMBER' || t.tok === 'INTEGER' || t.tok === 'IDENT' || isNameKeyword) {
        this.unscan();
        place(node, this.parseTagRuleNode());
        continue;
      }
      switch (t.tok) {
        case 'AND': {
          node.operator = 1;
          if (node.children[1] === null) continue;
          const next = this.peekTok() === 'LPAREN' ? this.parseLogicalNode() : this.parseTagRuleNode();
          node = { kind: 'logical', operator: 1, children: [node, next] };
          continue;
        }
        case 'OR':
          throw invalid(`the logical operator OR is not supported yet at position ${t.pos.char}`);
        case 'LPAREN': {
          this.openParen++;
          const current = this.openParen;
          const inner = this.parseLogicalNode();
          if (this.openParen !== current - 1) throw invalid('extra ( seen');
          place(node, inner);
          continue;
        }
        case 'RPAREN':
        case 'EOF':
          if (t.tok === 'RPAREN') this.openParen--;
          if (this.openParen < 0) throw invalid('extra ) seen');
          return node.children[1] === null ? node.children[0] : node;
        default:
          throw invalid(`bad logical expression, at position ${t.pos.char}`);
      }
    }
  }

  private parseTagRuleNode(): TagRule {
    const keyTok = this.scanIgnoreWhitespace();
    let key: string;
    if (keyTok.tok === 'IDENT') key = keyTok.lit;
    else if (keyTok.tok === 'KEYWORD' && keyTok.keyword === 'NAME') key = 'name';
    else throw invalid(`bad tag key, at position ${keyTok.pos.char}`);

    const opTok = this.scanIgnoreWhitespace();
    let op: TagRule['op'];
    if (opTok.tok === 'EQ') op = 'eq';
    else if (opTok.tok === 'NEQ') op = 'neq';
    else if (opTok.tok === 'EQREGEX' || opTok.tok === 'NEQREGEX')
      throw invalid(`operator: ${goQuote(tokenName(opTok))} at position: ${opTok.pos.char} is not supported yet`);
    else throw invalid(`invalid operator ${goQuote(tokenName(opTok))} at position: ${opTok.pos.char}`);

    let value = '';
    for (;;) {
      const v = this.scanIgnoreWhitespace();
      switch (v.tok) {
        case 'SUB':
          // OSS sets (not appends) the minus: `--5` is a comment, `- -5` reads as `-5`.
          value = '-';
          continue;
        case 'IDENT':
        case 'DURATIONVAL':
        case 'NUMBER':
        case 'INTEGER':
          return { kind: 'tag', key, op, value: value + v.lit };
        case 'TRUE':
          return { kind: 'tag', key, op, value: 'true' };
        case 'FALSE':
          return { kind: 'tag', key, op, value: 'false' };
        default:
          throw invalid(`bad tag value: ${goQuote(v.lit)}, at position ${v.pos.char}`);
      }
    }
  }
}

/** The first empty child slot takes the node; a full node's second slot is overwritten, as in OSS. */
function place(node: LogicalNode, child: PredicateNode | null): void {
  if (node.children[0] === null) node.children[0] = child;
  else node.children[1] = child;
}
