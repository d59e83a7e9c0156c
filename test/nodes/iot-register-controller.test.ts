/** iot-register without Node-RED: the action to run and the output format a request asks for. */
import assert from 'node:assert/strict';
import { chooseAction, RegisterInputError, wantsYaml } from '../../nodes/iot-register/controller';

describe('iot-register controller', () => {
  it('takes msg.action over the node setting, and the node setting when msg has none', () => {
    assert.equal(chooseAction('list', 'register'), 'list');
    assert.equal(chooseAction(undefined, 'get'), 'get');
    assert.equal(chooseAction('', 'rotate'), 'rotate');
  });

  it('refuses an unknown action', () => {
    assert.throws(() => chooseAction('delete', 'register'), {
      code: 'invalid_action',
      message: 'unknown action "delete"; use one of register, get, list, remove, rotate',
    });
    assert.throws(() => chooseAction(7, 'register'), { message: /^unknown action 7;/ });
  });

  it('refuses an action of any type with a short RegisterInputError, never a TypeError', () => {
    const cases: Array<[unknown, string]> = [
      [10n, 'unknown action 10n;'],
      [Object.create(null), 'unknown action an object;'],
      [{ self: null }, 'unknown action an object;'],
      [Symbol('x'), 'unknown action a symbol;'],
      ['x'.repeat(1_000_000), `unknown action "${'x'.repeat(60)}…";`],
    ];
    for (const [action, start] of cases) {
      assert.throws(
        () => chooseAction(action, 'register'),
        (e: unknown) => e instanceof RegisterInputError && e.message.startsWith(start) && e.message.length < 200,
      );
    }
  });

  it('wants YAML for Accept: text/plain or ?accept=text/plain', () => {
    assert.equal(wantsYaml('text/plain', undefined), true);
    assert.equal(wantsYaml('text/plain; charset=utf-8', undefined), true);
    assert.equal(wantsYaml(undefined, 'text/plain'), true);
  });

  it('keeps JSON when JSON comes first or text/plain is not asked for', () => {
    assert.equal(wantsYaml('application/json, text/plain, */*', undefined), false);
    assert.equal(wantsYaml('*/*', undefined), false);
    assert.equal(wantsYaml(undefined, undefined), false);
  });
});
