/**
 * The image's automated setup against a running emulator: onboard through the setup API when the data
 * dir is fresh, skip when it is set up already (as the image skips on an existing volume).
 */
import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import { SetupAPI } from '@influxdata/influxdb-client-apis';
import { UsageError } from '../cli/usage-error';
import type { InitSettings } from './settings';

/** What a client needs to talk to the emulator; the token only when this start set it up or was given it. */
export interface ConnectionInfo {
  url: string;
  org?: string;
  bucket?: string;
  token?: string;
}

export interface InitOutcome {
  connection: ConnectionInfo;
  /** A line for the console about what the setup did, or undefined when no setup was asked for. */
  note?: string;
}

export async function applyInit(url: string, init: InitSettings): Promise<InitOutcome> {
  const given: ConnectionInfo = { url, org: init.org, bucket: init.bucket, token: init.token };
  if (!init.setup) return { connection: given };
  const setup = new SetupAPI(new InfluxDB({ url }));
  const { allowed } = await setup.getSetup();
  if (!allowed) {
    return { connection: given, note: 'already set up: the init setup is skipped (as influxdb:2 on a kept volume)' };
  }
  try {
    const response = await setup.postSetup({
      body: {
        username: init.username ?? '',
        password: init.password,
        org: init.org ?? '',
        bucket: init.bucket ?? '',
        retentionPeriodSeconds: init.retentionSeconds,
        ...(init.token ? { token: init.token } : {}),
      },
    });
    return {
      connection: { ...given, token: response.auth?.token ?? init.token },
      note: `set up user ${init.username}, org ${init.org}, bucket ${init.bucket} (init mode setup)`,
    };
  } catch (e) {
    // The server refusing a value given (a short password, a bad bucket name) is a usage error.
    if (e instanceof HttpError && e.statusCode >= 400 && e.statusCode < 500) {
      throw new UsageError(`setup refused: ${e.message}`);
    }
    throw e;
  }
}
