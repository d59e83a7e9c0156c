/**
 * The influxdb:2 Docker image's automated setup (influxdb/2.7/entrypoint.sh of influxdata-docker): its
 * DOCKER_INFLUXDB_INIT_* variables, and flags of the same meaning for `iot-center emulator`.
 */
import { choiceOption, customOption, optionalText } from '../cli/values';
import { retentionSeconds } from './retention';

const GROUP = 'Setup like the influxdb:2 Docker image (first start of a data dir; a flag wins over its variable)';

export const INIT_OPTIONS = {
  'init-mode': choiceOption(['setup', 'upgrade'] as const, {
    help: 'setup: create the user, org, bucket and token below\n(upgrade, from InfluxDB 1.x data, is refused)',
    env: 'DOCKER_INFLUXDB_INIT_MODE',
    group: GROUP,
  }),
  'init-username': optionalText('NAME', {
    help: 'The first user (required by setup)',
    env: 'DOCKER_INFLUXDB_INIT_USERNAME',
  }),
  'init-password': optionalText('PASSWORD', {
    help: 'Its password, 8 to 72 characters (required by setup)',
    env: 'DOCKER_INFLUXDB_INIT_PASSWORD',
  }),
  'init-org': optionalText('ORG', {
    help: 'The first organization (required by setup)',
    env: 'DOCKER_INFLUXDB_INIT_ORG',
  }),
  'init-bucket': optionalText('BUCKET', {
    help: 'The first bucket (required by setup)',
    env: 'DOCKER_INFLUXDB_INIT_BUCKET',
  }),
  'init-retention': customOption(
    'DURATION',
    {
      help: "The bucket's retention: 30d, 72h, 1w, …; 0 = infinite (the default)",
      env: 'DOCKER_INFLUXDB_INIT_RETENTION',
    },
    retentionSeconds,
  ),
  'init-admin-token': optionalText('TOKEN', {
    help: "The operator token (generated when not given; it is in setup's JSON line)",
    env: 'DOCKER_INFLUXDB_INIT_ADMIN_TOKEN',
  }),
  'init-username-file': optionalText('FILE', {
    help: 'Read the user from this file instead',
    env: 'DOCKER_INFLUXDB_INIT_USERNAME_FILE',
  }),
  'init-password-file': optionalText('FILE', {
    help: 'Read the password from this file instead',
    env: 'DOCKER_INFLUXDB_INIT_PASSWORD_FILE',
  }),
  'init-admin-token-file': optionalText('FILE', {
    help: 'Read the token from this file instead',
    env: 'DOCKER_INFLUXDB_INIT_ADMIN_TOKEN_FILE',
  }),
};
