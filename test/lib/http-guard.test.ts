import assert from 'node:assert/strict';
import { allowedHostsFor, isLoopback } from '../../lib/http-guard/allowed-hosts';
import { checkRequest, hostnameOf, isCrossOrigin } from '../../lib/http-guard/request-policy';

const LOCAL = allowedHostsFor('127.0.0.1');

function verdict(method: string, headers: Record<string, string>): string {
  const v = checkRequest({ method, headers: { host: '127.0.0.1:1880', ...headers } }, LOCAL);
  return v.allow ? 'allow' : String(v.status);
}

describe('request policy', () => {
  it('reads host names from Host headers, with ports, IPv6 brackets and a trailing dot', () => {
    assert.equal(hostnameOf('Example.COM:1880'), 'example.com');
    assert.equal(hostnameOf('localhost.'), 'localhost');
    assert.equal(hostnameOf('[::1]:1880'), '::1');
    assert.equal(hostnameOf('127.0.0.1'), '127.0.0.1');
    for (const bad of ['', 'a b', 'evil.com:1880/x', 'user@host', '[zz]'])
      assert.equal(hostnameOf(bad), undefined, bad);
  });

  it('answers same-origin requests and clients that are not browsers', () => {
    assert.equal(verdict('GET', {}), 'allow');
    assert.equal(verdict('POST', {}), 'allow');
    assert.equal(verdict('POST', { origin: 'http://127.0.0.1:1880' }), 'allow');
    assert.equal(verdict('POST', { 'sec-fetch-site': 'same-origin' }), 'allow');
    assert.equal(verdict('GET', { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' }), 'allow');
  });

  it('refuses requests of other origins: preflights, writes and reads, whatever the method', () => {
    const other = { origin: 'http://other.example' };
    assert.equal(verdict('OPTIONS', { ...other, 'access-control-request-method': 'POST' }), '403');
    assert.equal(verdict('POST', other), '403');
    assert.equal(verdict('DELETE', other), '403');
    assert.equal(verdict('GET', other), '403');
    assert.equal(verdict('POST', { origin: 'null' }), '403');
    assert.equal(verdict('POST', { origin: 'http://127.0.0.1:9999' }), '403');
    assert.equal(verdict('POST', { 'sec-fetch-site': 'cross-site' }), '403');
    assert.equal(verdict('POST', { 'sec-fetch-site': 'same-site' }), '403');
  });

  it('lets a link from another site open a page, but not post to it', () => {
    const link = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' };
    assert.equal(verdict('GET', link), 'allow');
    assert.equal(verdict('POST', link), '403');
  });

  it('refuses a Host that is not one of its names, or none', () => {
    const v = checkRequest({ method: 'GET', headers: { host: 'rebind.attacker.example:1880' } }, LOCAL);
    assert.deepEqual(v.allow ? 'allow' : [v.status, /not one of this server's names/.test(v.reason)], [403, true]);
    const none = checkRequest({ method: 'GET', headers: {} }, LOCAL);
    assert.equal(none.allow ? 'allow' : none.status, 400);
  });

  it('compares Origin with the Host the request was sent to, port included', () => {
    assert.equal(isCrossOrigin({ origin: 'http://localhost:1880' }, 'localhost:1880'), false);
    assert.equal(isCrossOrigin({ origin: 'http://localhost:1881' }, 'localhost:1880'), true);
    assert.equal(isCrossOrigin({ origin: 'file://' }, 'localhost:1880'), true);
    assert.equal(isCrossOrigin({ origin: 'not a url' }, 'localhost:1880'), true);
  });
});

describe('allowed hosts', () => {
  const machine = {
    hostname: 'pi',
    interfaces: {
      eth0: [{ address: '192.168.1.20', family: 'IPv4', internal: false } as never],
      eth1: [{ address: 'fe80::1', family: 'IPv6', internal: false } as never],
    },
  };

  it('on loopback: the loopback names only', () => {
    assert.deepEqual([...allowedHostsFor('127.0.0.1', [], machine)].sort(), ['127.0.0.1', '::1', 'localhost']);
  });

  it('on every interface: this machine its addresses and name too, and the names added', () => {
    const hosts = allowedHostsFor('0.0.0.0', ['iot.example.com'], machine);
    for (const name of ['localhost', '192.168.1.20', 'fe80::1', 'pi', 'pi.local', 'iot.example.com'])
      assert.ok(hosts.has(name), name);
    assert.ok(!hosts.has('attacker.example'));
  });

  it('on one address: that address', () => {
    assert.ok(allowedHostsFor('192.168.1.20', [], machine).has('192.168.1.20'));
    assert.ok(!allowedHostsFor('192.168.1.20', [], machine).has('pi'));
  });

  it('knows loopback addresses', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) assert.ok(isLoopback(host), host);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'example.com']) assert.ok(!isLoopback(host), host);
  });
});
