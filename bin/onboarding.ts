/**
 * First start of the embedded emulator: onboard org `iot-org`, bucket `iot_center`, and an admin token
 * that is generated here and kept in the data folder (owner-only), never a well-known default like IoT Center's.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { SetupAPI } from '@influxdata/influxdb-client-apis';

export interface InfluxTarget {
  url: string;
  token: string;
  org: string;
  bucket: string;
}

export const DEMO_ORG = 'iot-org';
export const DEMO_BUCKET = 'iot_center';

export async function onboardIfNeeded(url: string, dir: string): Promise<InfluxTarget> {
  const tokenFile = path.join(dir, 'admin-token');
  const setup = new SetupAPI(new InfluxDB({ url }));
  const { allowed } = await setup.getSetup();
  if (allowed) {
    const token = crypto.randomBytes(48).toString('base64url');
    await setup.postSetup({
      body: {
        org: DEMO_ORG,
        bucket: DEMO_BUCKET,
        username: 'admin',
        password: crypto.randomBytes(24).toString('base64url'),
        token,
      },
    });
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  }
  let token: string;
  try {
    token = fs.readFileSync(tokenFile, 'utf8').trim();
  } catch {
    throw new Error(
      `the emulator in ${dir} is already set up but its admin token file ${tokenFile} is missing: ` +
        `delete ${dir} to start afresh`,
    );
  }
  return { url, token, org: DEMO_ORG, bucket: DEMO_BUCKET };
}
