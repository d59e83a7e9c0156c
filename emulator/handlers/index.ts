/** Every route the emulator serves, one handler file per resource. */
import type { Route } from '../http/router';
import { authorizationRoutes } from './authorizations';
import { bucketRoutes } from './buckets';
import { deleteRoutes } from './delete';
import { orgRoutes } from './orgs';
import { queryRoutes } from './query';
import { setupRoutes } from './setup';
import { systemRoutes } from './system';
import { taskRoutes } from './tasks';
import { userRoutes } from './users';
import { writeRoutes } from './write';

export const ROUTES: Route[] = [
  ...systemRoutes,
  ...setupRoutes,
  ...orgRoutes,
  ...bucketRoutes,
  ...authorizationRoutes,
  ...userRoutes,
  ...writeRoutes,
  ...deleteRoutes,
  ...queryRoutes,
  ...taskRoutes,
];
