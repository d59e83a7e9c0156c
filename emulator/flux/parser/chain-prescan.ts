/**
 * A cheap look at the tokens before the real parser, for the one kind of nesting that makes it slow: chains.
 * Flux's parser builds operator chains (`a + b + ...`, `x |> f() |> ...`) and postfix chains (`a.b.c...`,
 * `f()()...`, `a[0][0]...`) in loops, not by recursion, so its depth guard never stops them, and every link
 * copies the source of all the links before it: 8,000 pipes took 16 s and 16,000 took 34 s, for a script that
 * `ast::check` then rejects for its depth anyway. Brackets, unary operators and `if` nest by recursion and hit the
 * parser's guard at once; brackets are counted all the same (each is at least one level of the tree), which also
 * bounds the scan's own stack of levels.
 *
 * `longestChain` is a lower bound on the depth of the syntax tree: each link of a chain it counts holds the
 * links before it. It counts, at one bracket level, a run of binary operators of one precedence that no operator
 * of lower precedence breaks (those hold the run as one operand), and a run of postfix member, index and call
 * steps. Anything that may end an expression (`,` `:` `=` `=>`, statement keywords, two operands side by side)
 * starts counting again, so a script of many short chains counts only its longest.
 */

/** Binary operators, lowest precedence first (Flux's grammar: or, and, comparison, additive, multiplicative, ^, |>). */
const PRECEDENCE: ReadonlyMap<string, number> = new Map([
  ['or', 0],
  ['and', 1],
  ['==', 2],
  ['!=', 2],
  ['<', 2],
  ['<=', 2],
  ['>', 2],
  ['>=', 2],
  ['=~', 2],
  ['!~', 2],
  ['+', 3],
  ['-', 3],
  ['*', 4],
  ['/', 4],
  ['%', 4],
  ['^', 5],
  ['|>', 6],
]);
const LEVELS = 7;

/** Words after which a new expression starts, whatever came before. */
const STARTS_EXPRESSION = new Set([
  'import',
  'package',
  'option',
  'builtin',
  'testcase',
  'return',
  'if',
  'then',
  'else',
  'with',
]);
/** Prefix operators: they nest by recursion (the parser guards them) and leave the chains around them alone. */
const PREFIX_WORDS = new Set(['not', 'exists']);

/** Tokens that end an expression without being one. */
const SEPARATORS = new Set([',', ':', '=', '=>', '?', '@', '<-']);

/** What may follow a backslash in a Flux string (scanner.rl escaped_char and byte_value). */
const ESCAPED = /^(?:[nrt\\"]|\$\{|x[0-9A-Fa-f]{2})/;

const PUNCTUATION = ['|>', '==', '!=', '<=', '>=', '=~', '!~', '=>', '<-', ...'+-*/%^<>=.,:?@'];

interface Level {
  /** The closing bracket, and whether it closes a string interpolation `${ }`. */
  close: string;
  interpolation: boolean;
  /** Whether the group was opened right after an operand: a call `f(...)` or an index `a[...]`. */
  postfix: boolean;
  expectOperand: boolean;
  runs: number[];
  postfixRun: number;
}

const newLevel = (close: string, interpolation: boolean, postfix: boolean): Level => ({
  close,
  interpolation,
  postfix,
  expectOperand: true,
  runs: new Array<number>(LEVELS).fill(0),
  postfixRun: 0,
});

function restart(level: Level): void {
  level.runs.fill(0);
  level.postfixRun = 0;
  level.expectOperand = true;
}

/** A new operand: right after an operator it continues the expression; after an operand it starts another. */
function operand(level: Level): void {
  if (!level.expectOperand) restart(level);
  level.expectOperand = false;
  level.postfixRun = 0;
}

const DATE_TIME = /\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))?/y;
const NUMBER_OR_DURATION = /[0-9][0-9.]*(?:[a-zµ]+[0-9.]*)*/y;
const WORD = /[\p{L}_][\p{L}\p{N}_]*/uy;

function matchAt(pattern: RegExp, source: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.test(source) ? pattern.lastIndex : at;
}

/**
 * The longest chain (or the deepest brackets) in the source, or `stopAbove + 1` as soon as one is longer than
 * `stopAbove`. Never more than the depth Flux's parser would give the chain.
 */
export function longestChain(source: string, stopAbove = Infinity): number {
  const levels: Level[] = [newLevel('', false, false)];
  let longest = 0;
  let inString = false;
  // The outermost string still open (its quote, and the levels outside it), and whether strings and regular
  // expressions can still be literals (not after the first one that never closes: see the end of the text below).
  let openString: { quote: number; levels: number } | undefined;
  let stringsClose = true;
  let regexesClose = true;
  const count = (n: number) => {
    if (n > longest) longest = n;
  };
  let i = 0;
  for (;;) {
    if (i >= source.length) {
      // Text that ends inside a string is no string to Flux's scanner: the quote is an illegal token and what
      // follows is read as code, so that is how it is counted (once: no later string closes either).
      if (!openString) break;
      levels.length = openString.levels;
      i = openString.quote + 1;
      openString = undefined;
      inString = false;
      stringsClose = false;
      continue;
    }
    if (longest > stopAbove) break;
    const level = levels[levels.length - 1];
    const c = source[i];
    if (inString) {
      if (c === '\\') {
        if (!ESCAPED.test(source.slice(i + 1, i + 4))) {
          // An escape Flux does not know ends the string for its scanner; the rest is read as code.
          inString = false;
          if (openString?.levels === levels.length) openString = undefined;
          i++;
        } else i += source[i + 1] === 'x' ? 4 : 2;
      } else if (c === '"') {
        inString = false;
        if (openString?.levels === levels.length) openString = undefined;
        i++;
      } else if (c === '$' && source[i + 1] === '{') {
        inString = false;
        levels.push(newLevel('}', true, false));
        count(levels.length - 1);
        i += 2;
      } else i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end + 1;
    } else if (c === '"') {
      i++;
      if (stringsClose) {
        operand(level);
        openString ??= { quote: i - 1, levels: levels.length };
        inString = true;
      }
    } else if (c === '/' && level.expectOperand && regexesClose) {
      // A regular expression literal, where an operand is due: to the next '/' not escaped, across lines.
      let end = i + 1;
      while (end < source.length && source[end] !== '/') end += source[end] === '\\' ? 2 : 1;
      if (end < source.length) {
        operand(level);
        i = end + 1;
      } else {
        // Never closed: to Flux's scanner a division sign, and no later '/' opens a literal either.
        regexesClose = false;
        i++;
      }
    } else if (c === '(' || c === '[' || c === '{') {
      const postfix = !level.expectOperand && c !== '{';
      if (!postfix) operand(level);
      levels.push(newLevel(c === '(' ? ')' : c === '[' ? ']' : '}', false, postfix));
      count(levels.length - 1);
      i++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (levels.length > 1 && c === level.close) {
        levels.pop();
        const outer = levels[levels.length - 1];
        if (level.interpolation) inString = true;
        else if (level.postfix) count(++outer.postfixRun);
        // A closed group is an operand, or the step that extends one.
        outer.expectOperand = false;
      }
      i++;
    } else if (c >= '0' && c <= '9') {
      operand(level);
      const end = matchAt(DATE_TIME, source, i);
      i = end > i ? end : matchAt(NUMBER_OR_DURATION, source, i);
    } else {
      const wordEnd = matchAt(WORD, source, i);
      if (wordEnd > i) {
        const word = source.slice(i, wordEnd);
        i = wordEnd;
        if (STARTS_EXPRESSION.has(word)) restart(level);
        else if (PREFIX_WORDS.has(word)) level.expectOperand = true;
        else if (!level.expectOperand && PRECEDENCE.has(word)) binary(level, word);
        else operand(level);
        continue;
      }
      const punct = PUNCTUATION.find((p) => source.startsWith(p, i)) ?? c;
      i += punct.length;
      if (punct === '.' && !level.expectOperand) {
        // A member step `.name`: the name is part of the step, not a new operand.
        i = Math.max(i, matchAt(WORD, source, i));
        count(++level.postfixRun);
      } else if (SEPARATORS.has(punct)) restart(level);
      else if (!level.expectOperand && PRECEDENCE.has(punct)) binary(level, punct);
      else if (punct === '-' || punct === '+') level.expectOperand = true;
    }
  }
  return longest > stopAbove ? stopAbove + 1 : longest;

  function binary(level: Level, operator: string): void {
    const precedence = PRECEDENCE.get(operator) ?? 0;
    // An operator of lower precedence takes what came before as one operand: the runs above it end.
    for (let p = precedence + 1; p < LEVELS; p++) level.runs[p] = 0;
    count(++level.runs[precedence]);
    level.postfixRun = 0;
    level.expectOperand = true;
  }
}
