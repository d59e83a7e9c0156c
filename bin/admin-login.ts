/**
 * Who may use the editor: nobody needs a login while Node-RED listens on loopback only; any other
 * `--host` needs one, given as `--admin-user <name>` with the password in IOT_CENTER_ADMIN_PASSWORD (not on
 * the command line, where other users of the machine can read it).
 */
import { isLoopback } from '../lib/http-guard/allowed-hosts';

export const ADMIN_PASSWORD_ENV = 'IOT_CENTER_ADMIN_PASSWORD';
const MIN_PASSWORD_LENGTH = 12;

export interface AdminLogin {
  user: string;
  password: string;
}

export function adminLoginFor(host: string, user: string, env: NodeJS.ProcessEnv): AdminLogin | undefined {
  const password = env[ADMIN_PASSWORD_ENV] ?? '';
  if (user === '') {
    if (isLoopback(host)) return undefined;
    throw new Error(
      `--host ${host} makes Node-RED reachable from other machines, so the editor needs a login: ` +
        `${ADMIN_PASSWORD_ENV}='<a long password>' npm start -- --host ${host} --admin-user admin ` +
        '(the dashboard and HTTP endpoints then ask for the same login; devices use the provisioning key)',
    );
  }
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new Error(
      `--admin-user ${user} needs its password in the environment variable ${ADMIN_PASSWORD_ENV} ` +
        `(at least ${MIN_PASSWORD_LENGTH} characters)`,
    );
  }
  return { user, password };
}
