/**
 * The host names a local server answers to: its loopback names always, the address it is bound to, and,
 * bound to every interface (0.0.0.0 or ::), this machine's addresses and name; plus any the user adds.
 */
import os from 'node:os';
import { hostnameOf } from './request-policy';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

export interface MachineNames {
  interfaces: ReturnType<typeof os.networkInterfaces>;
  hostname: string;
}

export function allowedHostsFor(
  bindHost: string,
  extra: readonly string[] = [],
  machine: MachineNames = { interfaces: os.networkInterfaces(), hostname: os.hostname() },
): Set<string> {
  const hosts = new Set<string>(LOOPBACK_NAMES);
  const add = (name: string): void => {
    const normal = hostnameOf(name.includes(':') && !name.startsWith('[') ? `[${name}]` : name);
    if (normal) hosts.add(normal);
  };
  if (isWildcard(bindHost)) {
    for (const list of Object.values(machine.interfaces)) for (const i of list ?? []) add(i.address);
    add(machine.hostname);
    add(`${machine.hostname}.local`);
  } else {
    add(bindHost);
  }
  extra.forEach(add);
  return hosts;
}

/** 0.0.0.0 and :: listen on every interface. */
export function isWildcard(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** True for an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  const name = hostnameOf(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  if (name === undefined) return false;
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}
