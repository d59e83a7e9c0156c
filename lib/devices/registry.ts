/**
 * The device registry: a device is an InfluxDB authorization whose description is exactly
 * `IoT Center: <deviceId>`, scoped to the one configured bucket (write-only unless read is asked for).
 * IoT Center granted read+write on every bucket of the org and matched descriptions by prefix; both are holes.
 */
import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import { Authorization, AuthorizationsAPI, BucketsAPI, OrgsAPI, Permission } from '@influxdata/influxdb-client-apis';
import { deviceDescription, deviceIdFromDescription, validateDeviceId } from './device-id';
import type { TokenStore } from './token-store';

export interface RegistryOptions {
  influxDB: InfluxDB;
  org: string;
  bucket: string;
  tokens: TokenStore;
  /** Also grant read on the bucket (default: write only). */
  grantRead?: boolean;
  /** Separates the token entries of different servers/orgs/buckets in a shared store. */
  storeKeyPrefix?: string;
  /**
   * How long the org and bucket IDs are reused, in ms. Default 60000: a bucket deleted and created again
   * under the same name gets a new ID, and devices must follow it.
   */
  targetCacheMs?: number;
}

/** A registered device, with its token: handle as a secret. */
export interface Device {
  deviceId: string;
  authorizationId: string;
  token: string;
  orgID: string;
  bucketID: string;
  createdAt: string;
  updatedAt: string;
  /** True when this call created the authorization. */
  newlyRegistered: boolean;
}

/** What `list` shows: never a token. */
export interface DeviceSummary {
  deviceId: string;
  authorizationId: string;
  status: 'active' | 'inactive';
  canRead: boolean;
  canWrite: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Target {
  orgID: string;
  bucketID: string;
}

export class DeviceRegistry {
  private readonly authorizations: AuthorizationsAPI;
  private readonly orgs: OrgsAPI;
  private readonly buckets: BucketsAPI;
  private target?: Promise<Target>;
  private targetResolvedAt = 0;
  /** Operations on one device run one at a time, so two concurrent registers make one authorization. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: RegistryOptions) {
    this.authorizations = new AuthorizationsAPI(options.influxDB);
    this.orgs = new OrgsAPI(options.influxDB);
    this.buckets = new BucketsAPI(options.influxDB);
  }

  /** Returns the device, creating its authorization if needed (idempotent). */
  // Async so that an invalid id rejects the promise instead of throwing at the call.
  async register(deviceId: string): Promise<Device> {
    const id = validateDeviceId(deviceId);
    return this.serial(id, () => this.findOrCreate(id, true) as Promise<Device>);
  }

  /** Returns the device; when its authorization is gone, registers it again only if `registerIfMissing`. */
  async get(deviceId: string, registerIfMissing = false): Promise<Device | undefined> {
    const id = validateDeviceId(deviceId);
    return this.serial(id, () => this.findOrCreate(id, registerIfMissing));
  }

  async list(): Promise<DeviceSummary[]> {
    const { orgID, bucketID } = await this.resolveTarget();
    const all = await this.listAuthorizations(orgID);
    const devices: DeviceSummary[] = [];
    for (const auth of all) {
      const deviceId = deviceIdFromDescription(auth.description ?? '');
      if (deviceId === undefined) continue;
      devices.push({
        deviceId,
        authorizationId: auth.id ?? '',
        status: auth.status ?? 'active',
        canRead: grants(auth, 'read', orgID, bucketID),
        canWrite: grants(auth, 'write', orgID, bucketID),
        createdAt: auth.createdAt ?? '',
        updatedAt: auth.updatedAt ?? '',
      });
    }
    return devices.sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
  }

  /** Deletes every authorization of the device; false when there was none. */
  async remove(deviceId: string): Promise<boolean> {
    const id = validateDeviceId(deviceId);
    return this.serial(id, async () => {
      const { orgID } = await this.resolveTarget();
      const existing = await this.deviceAuthorizations(orgID, id);
      for (const auth of existing) await this.deleteAuthorization(auth);
      this.options.tokens.delete(this.storeKey(id));
      return existing.length > 0;
    });
  }

  /** Issues a new token and revokes the old one(s). */
  async rotate(deviceId: string): Promise<Device> {
    const id = validateDeviceId(deviceId);
    return this.serial(id, async () => {
      const target = await this.resolveTarget();
      const old = await this.deviceAuthorizations(target.orgID, id);
      const device = await this.create(id, target);
      for (const auth of old) await this.deleteAuthorization(auth);
      return device;
    });
  }

  private async findOrCreate(deviceId: string, create: boolean): Promise<Device | undefined> {
    const target = await this.resolveTarget();
    const stored = this.options.tokens.get(this.storeKey(deviceId));
    const existing = await this.deviceAuthorizations(target.orgID, deviceId);
    const usable = existing.find(
      (auth) =>
        auth.status !== 'inactive' &&
        hasExactScope(auth, target, this.options.grantRead === true) &&
        knownToken(auth, stored) !== undefined,
    );
    if (usable) return toDevice(deviceId, usable, knownToken(usable, stored) as string, target, false);
    if (!create) return undefined;
    // An authorization whose token we cannot hand out (redacted, lost store, wrong scope) is replaced.
    const device = await this.create(deviceId, target);
    for (const auth of existing) await this.deleteAuthorization(auth);
    return device;
  }

  private async create(deviceId: string, target: Target): Promise<Device> {
    const resource = { type: 'buckets' as const, id: target.bucketID, orgID: target.orgID };
    const permissions: Permission[] = [{ action: 'write', resource }];
    if (this.options.grantRead) permissions.push({ action: 'read', resource });
    const auth = await this.authorizations.postAuthorizations({
      body: { orgID: target.orgID, description: deviceDescription(deviceId), permissions },
    });
    if (!auth.id || !auth.token) throw new Error(`InfluxDB did not return a token for device "${deviceId}"`);
    this.options.tokens.set(this.storeKey(deviceId), { authorizationId: auth.id, token: auth.token });
    return toDevice(deviceId, auth, auth.token, target, true);
  }

  /** Gone already (another Node-RED, or someone in the InfluxDB UI) is as good as deleted. */
  private async deleteAuthorization(auth: Authorization): Promise<void> {
    try {
      await this.authorizations.deleteAuthorizationsID({ authID: auth.id ?? '' });
    } catch (e) {
      if (!(e instanceof HttpError && e.statusCode === 404)) throw e;
    }
  }

  private async deviceAuthorizations(orgID: string, deviceId: string): Promise<Authorization[]> {
    const description = deviceDescription(deviceId);
    return (await this.listAuthorizations(orgID)).filter((a) => a.description === description);
  }

  private async listAuthorizations(orgID: string): Promise<Authorization[]> {
    const response = await this.authorizations.getAuthorizations({ orgID });
    return response.authorizations ?? [];
  }

  private resolveTarget(): Promise<Target> {
    if (this.target && Date.now() - this.targetResolvedAt >= (this.options.targetCacheMs ?? 60_000))
      this.target = undefined;
    if (!this.target) {
      this.targetResolvedAt = Date.now();
      this.target = (async () => {
        const orgs = await this.orgs.getOrgs({ org: this.options.org });
        const orgID = orgs.orgs?.[0]?.id;
        if (!orgID) throw new Error(`organization "${this.options.org}" not found`);
        const buckets = await this.buckets.getBuckets({ orgID, name: this.options.bucket });
        const bucketID = buckets.buckets?.[0]?.id;
        if (!bucketID) throw new Error(`bucket "${this.options.bucket}" not found`);
        return { orgID, bucketID };
      })();
      // A failed lookup (server down, bucket not created yet) is retried on the next call.
      this.target.catch(() => (this.target = undefined));
    }
    return this.target;
  }

  private storeKey(deviceId: string): string {
    return `${this.options.storeKeyPrefix ?? ''}${this.options.org}/${this.options.bucket}/${deviceId}`;
  }

  private serial<T>(deviceId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(deviceId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(deviceId, settled);
    settled.then(() => {
      if (this.queues.get(deviceId) === settled) this.queues.delete(deviceId);
    });
    return next;
  }
}

/** The token of an authorization, if we can know it: from the store, or from InfluxDB when it still shows it. */
function knownToken(
  auth: Authorization,
  stored: { authorizationId: string; token: string } | undefined,
): string | undefined {
  if (stored && stored.authorizationId === auth.id) return stored.token;
  if (auth.token && auth.token !== 'REDACTED') return auth.token;
  return undefined;
}

function grants(auth: Authorization, action: 'read' | 'write', orgID: string, bucketID: string): boolean {
  return (auth.permissions ?? []).some(
    (p) =>
      p.action === action &&
      p.resource.type === 'buckets' &&
      (p.resource.id === bucketID || (p.resource.id === undefined && (p.resource.orgID ?? orgID) === orgID)),
  );
}

/** Exactly the permissions this registry grants: anything wider (an old org-wide token) gets replaced. */
function hasExactScope(auth: Authorization, target: Target, withRead: boolean): boolean {
  const permissions = auth.permissions ?? [];
  const onBucket = (p: Permission) => p.resource.type === 'buckets' && p.resource.id === target.bucketID;
  const actions = new Set(permissions.filter(onBucket).map((p) => p.action));
  return permissions.every(onBucket) && actions.has('write') && actions.has('read') === withRead;
}

function toDevice(
  deviceId: string,
  auth: Authorization,
  token: string,
  target: Target,
  newlyRegistered: boolean,
): Device {
  return {
    deviceId,
    authorizationId: auth.id ?? '',
    token,
    orgID: target.orgID,
    bucketID: target.bucketID,
    createdAt: auth.createdAt ?? '',
    updatedAt: auth.updatedAt ?? '',
    newlyRegistered,
  };
}
