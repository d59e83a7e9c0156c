/** What the DOCKER_INFLUXDB_INIT_* settings ask for, checked before the emulator starts. */
import fs from 'node:fs';
import type { OptionValues } from '../cli/option';
import { UsageError } from '../cli/usage-error';
import type { INIT_OPTIONS } from './options';

export interface InitSettings {
  /** True with `setup` mode: onboard when the data dir is not set up yet. */
  setup: boolean;
  username?: string;
  password?: string;
  org?: string;
  bucket?: string;
  /** 0 = infinite. */
  retentionSeconds: number;
  token?: string;
}

type InitValues = OptionValues<typeof INIT_OPTIONS>;

const REQUIRED = ['username', 'password', 'org', 'bucket'] as const;

export function initSettingsFrom(values: InitValues, warn: (message: string) => void): InitSettings {
  if (values['init-mode'] === 'upgrade') {
    throw new UsageError(
      'init mode "upgrade" migrates InfluxDB 1.x data, which the emulator cannot read; use --init-mode setup ' +
        '(DOCKER_INFLUXDB_INIT_MODE=setup)',
    );
  }
  const settings: InitSettings = {
    setup: values['init-mode'] === 'setup',
    // As the image: a *_FILE setting, when its file exists, wins over the value itself.
    username: fromFile(values['init-username-file'], 'username', warn) ?? values['init-username'],
    password: fromFile(values['init-password-file'], 'password', warn) ?? values['init-password'],
    org: values['init-org'],
    bucket: values['init-bucket'],
    retentionSeconds: values['init-retention'] ?? 0,
    token: fromFile(values['init-admin-token-file'], 'admin-token', warn) ?? values['init-admin-token'],
  };
  if (settings.setup) {
    const missing = REQUIRED.filter((key) => !settings[key]);
    if (missing.length > 0) {
      const names = missing.map((key) => `--init-${key} (DOCKER_INFLUXDB_INIT_${key.toUpperCase()})`);
      throw new UsageError(`missing parameter, cannot set up the emulator: ${names.join(', ')}`);
    }
  }
  return settings;
}

/** `$(cat file)` as the image's entrypoint reads it: trailing newlines dropped; a missing file is skipped. */
function fromFile(file: string | undefined, what: string, warn: (message: string) => void): string | undefined {
  if (file === undefined) return undefined;
  try {
    return fs.readFileSync(file, 'utf8').replace(/\n+$/, '');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    warn(
      `--init-${what}-file / DOCKER_INFLUXDB_INIT_${what.toUpperCase().replace('-', '_')}_FILE: no file ${file}, skipping it`,
    );
    return undefined;
  }
}
