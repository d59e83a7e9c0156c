/**
 * The second look OSS takes at a delete predicate (http/delete_handler.go `decodeDeleteRequest`): it
 * parses it again with `influxql.ParseExpr` (influxql v1.2.0 parser.go), which may refuse what the
 * predicate parser let through (`a="1" AND`, `name="x"`), and walks the result for `_field = ...`,
 * which OSS refuses with 501. ParseExpr stops at the first token that is not an operator, so what
 * follows it is never looked at; that is kept too.
 */
import { ApiError } from '../errors';
import { isOperator, type Pos, Scanner, type Token, tokenName } from './scanner';

type Expr =
  | { kind: 'binary'; op: Token['tok']; lhs: Expr; rhs: Expr }
  | { kind: 'varref'; name: string }
  | { kind: 'paren'; expr: Expr }
  | { kind: 'call'; args: Expr[] }
  /** `unsigned`: an integer literal too big for int64 (influxql's UnsignedLiteral). */
  | { kind: 'literal'; unsigned?: bigint };

class ParseError extends Error {}

/** Throws OSS's 400 or 501 for a predicate `influxql.ParseExpr` refuses or that deletes by field. */
export function checkWithInfluxQL(predicate: string): void {
  let expr: Expr;
  try {
    expr = new ExprParser(predicate).parseExpr();
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    throw new ApiError('invalid', `invalid request; error parsing predicate: ${err.message}`);
  }
  if (deletesByField(expr)) throw new ApiError('not implemented', 'delete by field is not supported');
}

function deletesByField(e: Expr): boolean {
  switch (e.kind) {
    case 'binary':
      if (e.op === 'EQ' && e.lhs.kind === 'varref' && e.lhs.name === '_field') return true;
      return deletesByField(e.lhs) || deletesByField(e.rhs);
    case 'paren':
      return deletesByField(e.expr);
    case 'call':
      return e.args.some(deletesByField);
    default:
      return false;
  }
}

const PRECEDENCE: Partial<Record<Token['tok'], number>> = {
  OR: 1,
  AND: 2,
  EQ: 3,
  NEQ: 3,
  EQREGEX: 3,
  NEQREGEX: 3,
  LT: 3,
  LTE: 3,
  GT: 3,
  GTE: 3,
  ADD: 4,
  SUB: 4,
  BITWISE_OR: 4,
  BITWISE_XOR: 4,
  MUL: 5,
  DIV: 5,
  MOD: 5,
  BITWISE_AND: 5,
};

function parseError(found: Token, expected: string[]): ParseError {
  return atPos(`found ${found.lit !== '' ? found.lit : tokenName(found)}, expected ${expected.join(', ')}`, found.pos);
}

function atPos(message: string, pos: Pos): ParseError {
  return new ParseError(`${message} at line ${pos.line + 1}, char ${pos.char + 1}`);
}

/** influxql `ParseDuration`: digits + unit (ns, u, µ, ms, s, m, h, d, w), repeated. */
const DURATION = /^-?(\d+(ns|u|µ|ms|s|m|h|d|w))+$/u;

class ExprParser {
  private readonly scanner: Scanner;
  private readonly ring: Token[] = [];
  private i = 0;
  private n = 0;

  constructor(text: string) {
    this.scanner = new Scanner(text);
  }

  private scan(): Token {
    if (this.n > 0) {
      this.n--;
      return this.ring[(this.i - this.n + 3) % 3] as Token;
    }
    this.i = (this.i + 1) % 3;
    this.ring[this.i] = this.scanner.scan();
    return this.ring[this.i] as Token;
  }

  private unscan(): void {
    this.n++;
  }

  private scanIgnoreWhitespace(): Token {
    const t = this.scan();
    return t.tok === 'WS' ? this.scan() : t;
  }

  parseExpr(): Expr {
    const root: { rhs: Expr } = { rhs: this.parseUnaryExpr() };
    for (;;) {
      const op = this.scanIgnoreWhitespace();
      if (!isOperator(op.tok)) {
        this.unscan();
        return root.rhs;
      }
      const rhs = this.parseUnaryExpr();
      const prec = PRECEDENCE[op.tok] ?? 0;
      // Descend the right spine to where the new operator binds, as influxql does.
      let parent: Extract<Expr, { kind: 'binary' }> | undefined;
      let node = root.rhs;
      while (node.kind === 'binary' && (PRECEDENCE[node.op] ?? 0) < prec) {
        parent = node;
        node = node.rhs;
      }
      const joined: Expr = { kind: 'binary', op: op.tok, lhs: node, rhs };
      if (parent) parent.rhs = joined;
      else root.rhs = joined;
    }
  }

  private parseUnaryExpr(): Expr {
    if (this.scanIgnoreWhitespace().tok === 'LPAREN') {
      const expr = this.parseExpr();
      const close = this.scanIgnoreWhitespace();
      if (close.tok !== 'RPAREN') throw parseError(close, [')']);
      return { kind: 'paren', expr };
    }
    this.unscan();
    const t = this.scanIgnoreWhitespace();
    switch (t.tok) {
      case 'IDENT':
        if (this.scan().tok === 'LPAREN') return this.parseCall();
        this.unscan();
        return { kind: 'varref', name: t.lit };
      case 'STRING':
      case 'TRUE':
      case 'FALSE':
        return { kind: 'literal' };
      case 'NUMBER':
        if (!Number.isFinite(Number(t.lit))) throw atPos('unable to parse number', t.pos);
        return { kind: 'literal' };
      case 'INTEGER':
        if (BigInt(t.lit) >= 2n ** 64n) throw atPos('unable to parse integer', t.pos);
        return BigInt(t.lit) >= 2n ** 63n ? { kind: 'literal', unsigned: BigInt(t.lit) } : { kind: 'literal' };
      case 'DURATIONVAL':
        if (!DURATION.test(t.lit)) throw new ParseError('invalid duration');
        return { kind: 'literal' };
      case 'ADD':
      case 'SUB': {
        const next = this.scanIgnoreWhitespace();
        if (!['NUMBER', 'INTEGER', 'DURATIONVAL', 'LPAREN', 'IDENT'].includes(next.tok))
          throw parseError(next, ['identifier', 'number', 'duration', '(']);
        this.unscan();
        const operand = this.parseUnaryExpr();
        if (operand.kind !== 'literal') return { kind: 'binary', op: 'MUL', lhs: { kind: 'literal' }, rhs: operand };
        if (t.tok === 'SUB' && operand.unsigned !== undefined && operand.unsigned !== 2n ** 63n)
          throw new ParseError(`constant -${operand.unsigned} underflows int64`);
        return { kind: 'literal' };
      }
      default:
        throw parseError(t, ['identifier', 'string', 'number', 'bool']);
    }
  }

  private parseCall(): Expr {
    const args: Expr[] = [];
    if (this.scan().tok === 'RPAREN') return { kind: 'call', args };
    this.unscan();
    args.push(this.parseExpr());
    for (;;) {
      const t = this.scanIgnoreWhitespace();
      if (t.tok !== 'COMMA') {
        this.unscan();
        break;
      }
      args.push(this.parseExpr());
    }
    const close = this.scan();
    if (close.tok !== 'RPAREN') throw parseError(close, [')']);
    return { kind: 'call', args };
  }
}
