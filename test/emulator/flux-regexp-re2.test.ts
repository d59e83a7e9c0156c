/**
 * Flux regular expressions mean what Go's regexp (RE2) means, over HTTP with the real client: the places where
 * JavaScript's RegExp reads the same pattern otherwise (Unicode classes, POSIX classes, `\z`, `\Q...\E`, `\s`,
 * flags, empty matches in replaceAll, template expansion) and Go's own error messages for invalid patterns.
 */
import assert from 'node:assert/strict';
import { Point } from '@influxdata/influxdb-client';
import { type Onboarded, assertHttpError, startOnboarded } from '../support/emulator';

const TIME = new Date('2024-03-01T12:00:00Z');
const RANGE = 'range(start: 2024-03-01T00:00:00Z, stop: 2024-03-02T00:00:00Z)';
/** Tag values chosen where RE2 and JavaScript part ways. */
const DEVICES = ['DEV-1', 'dev-2', 'žluťoučký', 'a.b', 'axb', '😀', '\u00a0'];

describe('Flux regular expressions (RE2 semantics over HTTP)', () => {
  let env: Onboarded;
  before(async () => {
    env = await startOnboarded();
    const write = env.influx.getWriteApi(env.org, env.bucket, 's');
    DEVICES.forEach((device, i) =>
      write.writePoint(new Point('m').tag('device', device).intField('n', i).timestamp(TIME)),
    );
    await write.close();
  });
  after(() => env.emulator.close());

  /** The devices whose tag the filter keeps, in the order written. */
  const devicesMatching = async (predicate: string): Promise<string[]> => {
    const rows = await env.influx
      .getQueryApi(env.org)
      .collectRows<{ device: string; _value: number }>(
        `import "regexp"\nfrom(bucket: "${env.bucket}") |> ${RANGE} |> filter(fn: (r) => ${predicate}) |> group() |> sort(columns: ["_value"])`,
      );
    return rows.map((r) => r.device);
  };

  /** A string expression evaluated by the emulator, read back through a one-row table. */
  const evaluate = async (expression: string): Promise<string> => {
    const rows = await env.influx
      .getQueryApi(env.org)
      .collectRows<{ v: string }>(
        `import "array"\nimport "regexp"\nimport "strings"\narray.from(rows: [{v: ${expression}}])`,
      );
    assert.equal(rows.length, 1);
    return rows[0].v;
  };

  it('folds case with a leading (?i), Unicode included', async () => {
    assert.deepEqual(await devicesMatching('r.device =~ /(?i)^dev-\\d$/'), ['DEV-1', 'dev-2']);
    assert.deepEqual(await devicesMatching('r.device =~ /(?i)^ŽLUŤ/'), ['žluťoučký']);
  });

  it('reads \\pL as the Unicode letter class and [[:alpha:]] as the ASCII one', async () => {
    assert.deepEqual(await devicesMatching('r.device =~ /^\\pL+$/'), ['žluťoučký', 'axb']);
    assert.deepEqual(await devicesMatching('r.device =~ /^[[:alpha:]]+$/'), ['axb']);
    assert.deepEqual(await devicesMatching('r.device !~ /[[:alpha:]]/'), ['😀', '\u00a0']);
  });

  it('counts a character outside the BMP as one character for "."', async () => {
    assert.deepEqual(await devicesMatching('r.device =~ /^.$/'), ['😀', '\u00a0']);
  });

  it('keeps \\s to ASCII spaces: a no-break space is not one', async () => {
    assert.deepEqual(await devicesMatching('r.device =~ /^\\s$/'), []);
  });

  /** Whether the pattern matches "dev", a newline, then "3". */
  const matchesTwoLines = async (pattern: string) =>
    evaluate(`string(v: regexp.matchRegexpString(r: /${pattern}/, v: "dev\\n3"))`);

  it('lets "." cross a newline only under (?s), and ^ match at a line only under (?m)', async () => {
    assert.equal(await matchesTwoLines('^dev.3$'), 'false');
    assert.equal(await matchesTwoLines('(?s)^dev.3$'), 'true');
    assert.equal(await matchesTwoLines('^3'), 'false');
    assert.equal(await matchesTwoLines('(?m)^3'), 'true');
  });

  it('ends \\z at the end of the text even under (?m), where $ ends a line', async () => {
    assert.equal(await matchesTwoLines('(?m)dev$'), 'true');
    assert.equal(await matchesTwoLines('(?m)dev\\z'), 'false');
    assert.equal(await matchesTwoLines('(?m)3\\z'), 'true');
  });

  it('quotes a literal between \\Q and \\E in a compiled string (the parser refuses it in a literal)', async () => {
    assert.deepEqual(await devicesMatching('r.device =~ regexp.compile(v: "^\\\\Qa.b\\\\E$")'), ['a.b']);
  });

  it('matches leftmost-first, lazily with +? and with every count swapped under (?U)', async () => {
    assert.equal(await evaluate('regexp.findString(r: /a|ab/, v: "xab")'), 'a');
    assert.equal(await evaluate('regexp.findString(r: /a+?/, v: "aaa")'), 'a');
    assert.equal(await evaluate('regexp.findString(r: /(?U)a+/, v: "aaa")'), 'a');
    assert.equal(await evaluate('regexp.findString(r: /(?U)a+?/, v: "aaa")'), 'aaa');
  });

  it('replaces as Go does: no empty match right after a match, $name takes the longest name', async () => {
    assert.equal(await evaluate('regexp.replaceAllString(r: /a*/, v: "baaac", t: "-")'), '-b-c-');
    assert.equal(
      await evaluate('regexp.replaceAllString(r: /(?P<key>\\w+)=(\\d+)/, v: "a=1 b=2", t: "\\${key}:\\${2}x $2x $$")'),
      'a:1x  $ b:2x  $',
    );
  });

  it('splits with a count as Go Split(s, n) does', async () => {
    assert.equal(
      await evaluate('strings.joinStr(arr: regexp.splitRegexp(r: /a*/, v: "abaabaccadaaae", i: 5), v: "|")'),
      '|b|b|c|cadaaae',
    );
    assert.equal(
      await evaluate('strings.joinStr(arr: regexp.splitRegexp(r: /,/, v: "x,y,z", i: -1), v: "|")'),
      'x|y|z',
    );
    assert.equal(await evaluate('strings.joinStr(arr: regexp.splitRegexp(r: /,/, v: "x,y,z", i: 0), v: "|")'), '');
  });

  it('gives findStringIndex in UTF-8 bytes, and an empty array when nothing matches', async () => {
    assert.equal(
      await evaluate(
        'strings.joinStr(arr: [string(v: regexp.findStringIndex(r: /ť+/, v: "žluťť!")[0]), string(v: regexp.findStringIndex(r: /ť+/, v: "žluťť!")[1])], v: ",")',
      ),
      '4,8',
    );
    assert.equal(await evaluate('string(v: length(arr: regexp.findStringIndex(r: /q/, v: "abc")))'), '0');
  });

  it('runs a pattern that would backtrack for ever in JavaScript in one pass', async () => {
    const long = 'a'.repeat(5000);
    assert.equal(await evaluate(`regexp.replaceAllString(r: /^(a|aa)+$/, v: "${long}b", t: "x")`), `${long}b`);
    assert.equal(await evaluate(`regexp.replaceAllString(r: /^(a|aa)+$/, v: "${long}", t: "x")`), 'x');
  });

  it("refuses what RE2 refuses with Go's message: backreferences, lookahead, huge counts", async () => {
    const refusal = (pattern: string) =>
      env.influx.getQueryApi(env.org).collectRows(`import "regexp"\nregexp.compile(v: ${JSON.stringify(pattern)})`);
    await assertHttpError(refusal('(a)\\1'), 400, 'invalid', /error parsing regexp: invalid escape sequence: `\\1`$/);
    await assertHttpError(
      refusal('a(?=b)'),
      400,
      'invalid',
      /error parsing regexp: invalid or unsupported Perl syntax: `\(\?=`$/,
    );
    await assertHttpError(
      refusal('a{1001}'),
      400,
      'invalid',
      /error parsing regexp: invalid repeat count: `\{1001\}`$/,
    );
    await assertHttpError(refusal('(ab'), 400, 'invalid', /error parsing regexp: missing closing \): `\(ab`$/);
  });
});
