/** Who is calling: the authorization their token belongs to, and its user. */
import type { Authorization, User } from '../storage/types';

export interface Caller {
  authorization: Authorization;
  user: User;
}
