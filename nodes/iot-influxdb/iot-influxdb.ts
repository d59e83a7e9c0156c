/**
 * `iot-influxdb` config node: URL, org, default bucket, token (credential or environment variable), timeout,
 * TLS. Owns the InfluxConnection the other nodes share, and closes it on redeploy. Also serves the editor's
 * "Test connection" button.
 */
import os from 'node:os';
import path from 'node:path';
import type { NodeAPI } from 'node-red';
import { checkConnection } from '../../lib/connection/connection-check';
import { InfluxConnection } from '../../lib/connection/influx-connection';
import { normalizeUrl } from '../../lib/connection/settings';
import { appHealthBucket, appHealthIntervalMs, healthIntervalMs, influxSettings, resolveEnvToken } from './settings';
import type { InfluxConfigDef, InfluxConfigNode, InfluxCredentials } from './types';

/** What the editor shows in a password field that holds a saved value. */
const SAVED_PASSWORD = '__PWRD__';

export = function (RED: NodeAPI) {
  const dataDir = (): string => {
    const userDir = (RED.settings as { userDir?: string }).userDir ?? path.join(os.homedir(), '.node-red');
    return path.join(userDir, '.iot-center');
  };

  /** `INFLUX_TOKEN` or `${INFLUX_TOKEN}`, looked up as Node-RED looks up env (flow, group, global, process). */
  const envToken = (field: string, node: InfluxConfigNode | null) =>
    resolveEnvToken(field, (name) => {
      const value: unknown = RED.util.evaluateNodeProperty(name, 'env', node as never, {});
      return typeof value === 'string' ? value : '';
    });

  function IotInfluxdbNode(this: InfluxConfigNode, config: InfluxConfigDef): void {
    RED.nodes.createNode(this, config);
    const fromEnv = config.tokenSource === 'env' ? envToken(config.tokenEnv ?? '', this) : undefined;
    const token = fromEnv ? ('token' in fromEnv ? fromEnv.token : '') : (this.credentials?.token ?? '');
    const appHealthMs = appHealthIntervalMs(config);
    let appHealthWarned = false;
    this.connection = new InfluxConnection({
      ...influxSettings(config, token),
      id: this.id,
      dataDir: dataDir(),
      healthIntervalMs: healthIntervalMs(config),
      appHealth:
        appHealthMs > 0
          ? {
              intervalMs: appHealthMs,
              bucket: appHealthBucket(config),
              name: config.name,
              // One warning: the same problem would repeat every period.
              onError: (e) => {
                if (appHealthWarned) return;
                appHealthWarned = true;
                this.warn(RED._('iot-influxdb.log.app-health-failed', { message: e.message }));
              },
            }
          : undefined,
    });
    const connection = this.connection;
    if (connection.problem) {
      this.warn(
        fromEnv && 'missing' in fromEnv
          ? RED._('iot-influxdb.errors.env-token-missing', { name: fromEnv.missing })
          : connection.problem.message,
      );
    } else {
      connection.onHealth((health) => {
        if (health.status === 'fail')
          this.warn(RED._('iot-influxdb.log.unhealthy', { url: connection.url, message: health.message ?? '' }));
        else if (health.status === 'pass') this.log(RED._('iot-influxdb.log.healthy', { url: connection.url }));
      });
    }
    this.on('close', (_removed: boolean, done: () => void) => {
      connection.close().then(done, (e: unknown) => {
        this.error(e instanceof Error ? e.message : String(e));
        done();
      });
    });
  }

  RED.nodes.registerType<InfluxConfigNode, InfluxConfigDef, Record<string, never>, InfluxCredentials>(
    'iot-influxdb',
    IotInfluxdbNode,
    {
      credentials: { token: { type: 'password' } },
    },
  );

  /**
   * Test connection: the editor posts the form. An unchanged token field means "the deployed one", which is
   * only used against the URL it was deployed with, so that a form cannot send a saved token elsewhere.
   */
  RED.httpAdmin.post('/iot-influxdb/test', RED.auth.needsPermission('iot-influxdb.write'), (req, res) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const id = typeof body.id === 'string' ? body.id : '';
    const deployed = id ? (RED.nodes.getNode(id) as InfluxConfigNode | null) : null;
    let token: string;
    if (body.tokenSource === 'env') {
      const fromEnv = envToken(typeof body.tokenEnv === 'string' ? body.tokenEnv : '', deployed);
      if ('missing' in fromEnv) {
        res.json(failed(RED._('iot-influxdb.errors.env-token-missing', { name: fromEnv.missing })));
        return;
      }
      token = fromEnv.token;
    } else if (typeof body.token === 'string' && body.token !== '' && body.token !== SAVED_PASSWORD) {
      token = body.token;
    } else {
      const saved = id ? (RED.nodes.getCredentials(id) as InfluxCredentials | undefined)?.token : undefined;
      const requestedUrl = normalizeUrl(typeof body.url === 'string' ? body.url : '');
      if (!saved || !deployed || deployed.connection.url !== requestedUrl) {
        res.json(
          failed(
            RED._(
              saved && deployed ? 'iot-influxdb.errors.saved-token-other-url' : 'iot-influxdb.errors.no-saved-token',
            ),
          ),
        );
        return;
      }
      token = saved;
    }
    checkConnection(influxSettings(body, token)).then(
      (result) => res.json(result),
      (e: unknown) => res.json(failed(e instanceof Error ? e.message : String(e))),
    );
  });
};

function failed(message: string) {
  return { ok: false, checks: [{ name: 'settings', ok: false, message }] };
}
