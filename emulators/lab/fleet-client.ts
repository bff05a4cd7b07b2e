import { sendHttp } from './client.js';
import { currentStep, UNRECORDED_ADMIN } from './context.js';
import {
  LAB_MDM_CLOCK_PATH,
  LAB_MDM_COMMANDS_PATH,
  LAB_MDM_EUA_TOKEN_PATH,
  LAB_MDM_PREFIX,
  LAB_MDM_SETTINGS_PATH,
  SCIM_USER_SCHEMA,
  type FleetActivities,
  type FleetAppConfig,
  type FleetHost,
  type FleetHostDetail,
  type FleetHostDeviceMapping,
  type FleetAppConfigPatch,
  type FleetCommandEnqueued,
  type FleetEnrollSecret,
  type FleetJsonError,
  type FleetLogin,
  type LabMdmClock,
  type LabMdmSwitches,
  type LabQueuedCommand,
  type ScimError,
  type ScimListResponse,
  type ScimUserResource,
} from '../protocols/fleet-api.js';

/** A Fleet answer that is not 2xx: its status and its JSON error (Fleet's `{message, errors}` or SCIM's Error), or the text. */
export class FleetApiError extends Error {
  override name = 'FleetApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: FleetJsonError | ScimError | string,
  ) {
    super(`${method} ${path}: ${status} ${FleetApiError.describe(body)}`);
  }

  private static describe(body: FleetJsonError | ScimError | string): string {
    if (typeof body === 'string') return body.trim();
    if (!('message' in body)) return body.detail ?? '';
    return [body.message, ...body.errors.map((e) => e.reason)].filter((x, i, a) => a.indexOf(x) === i).join(': ');
  }
}

export interface FleetClientOptions {
  /** The server's base URL (`https://host:port`). */
  url: string;
  /** The admin API token (`fleetApiToken` of serve --json, or a login's token). */
  token?: string;
  /** The CA to trust for https (the lab CA, or an external Fleet's --mdm-ca); Node's default store otherwise. */
  caPem?: string;
  /** Skip certificate verification (run --insecure against an external Fleet; the CLI warns). */
  insecure?: boolean;
  /** How long one call may take (default 30 s). */
  timeoutMs?: number;
  /** Never a step's call, even inside one (the DB tab's per-step reads of Fleet's API: fleet-api-views.ts). */
  unrecorded?: boolean;
}

/** A lab-only call (/lab/v1/mdm) answered 404: the target is a Fleet without the lab's API (a real Fleet). */
export class LabApiMissingError extends Error {
  override name = 'LabApiMissingError';
  constructor(readonly url: string, readonly path: string) {
    super(`needs the lab's own MDM API (${path}), which ${url} does not serve: a real Fleet has none (run this against the embedded MDM server or enrollscope serve)`);
  }
}

export interface NewScimUserInput {
  userName: string;
  emails: { value: string; primary?: boolean; type?: string }[];
  givenName?: string;
  familyName?: string;
  externalId?: string;
  active?: boolean;
}

/**
 * An admin's client for Fleet's REST API (the subset the lab drives), the same for the embedded MDM server and a real
 * Fleet; the lab-only calls are marked and go to /lab/v1/mdm. Inside a lab step a call belongs to that step (its rows
 * are that step's changes); outside one it is no step of the timeline: admin calls are not protocol steps.
 */
export class FleetClient {
  private token: string | undefined;

  constructor(private readonly opts: FleetClientOptions) {
    this.token = opts.token;
  }

  private async call<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = contentType;
    const url = `${this.opts.url.replace(/\/$/, '')}${path}`;
    const { record, raw } = await sendHttp(
      { method, url, headers, body: body === undefined ? '' : JSON.stringify(body) },
      (!this.opts.unrecorded && currentStep()?.stepId) || UNRECORDED_ADMIN,
      this.opts.timeoutMs ?? 30_000,
      { ...(this.opts.caPem && { caPem: this.opts.caPem }), ...(this.opts.insecure && { peers: [{ origin: new URL(url).origin, insecure: true }] }) },
    );
    if (record.status === 404 && path.startsWith(LAB_MDM_PREFIX)) throw new LabApiMissingError(this.opts.url, path);
    const text = raw.toString('utf8');
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (record.status < 200 || record.status > 299) throw new FleetApiError(method, path, record.status, json !== undefined && typeof json === 'object' && json !== null ? (json as FleetJsonError | ScimError) : text);
    return json as T;
  }

  /** POST /api/v1/fleet/login; the client then uses the token it got. */
  async login(email: string, password: string): Promise<FleetLogin> {
    const r = await this.call<FleetLogin>('POST', '/api/v1/fleet/login', { email, password });
    this.token = r.token;
    return r;
  }

  config(): Promise<FleetAppConfig> {
    return this.call('GET', '/api/v1/fleet/config');
  }

  updateConfig(patch: FleetAppConfigPatch): Promise<FleetAppConfig> {
    return this.call('PATCH', '/api/v1/fleet/config', patch);
  }

  async enrollSecrets(): Promise<FleetEnrollSecret[]> {
    return (await this.call<{ spec: { secrets: FleetEnrollSecret[] } }>('GET', '/api/v1/fleet/spec/enroll_secret')).spec.secrets;
  }

  /** The global enroll secrets are replaced by these (fleetctl apply of an enroll_secret spec). */
  async applyEnrollSecrets(secrets: string[]): Promise<void> {
    await this.call('POST', '/api/v1/fleet/spec/enroll_secret', { spec: { secrets: secrets.map((secret) => ({ secret })) } });
  }

  createScimUser(u: NewScimUserInput): Promise<ScimUserResource> {
    const name = { ...(u.givenName !== undefined && { givenName: u.givenName }), ...(u.familyName !== undefined && { familyName: u.familyName }) };
    return this.call(
      'POST',
      '/api/v1/fleet/scim/Users',
      { schemas: [SCIM_USER_SCHEMA], userName: u.userName, emails: u.emails, ...(Object.keys(name).length > 0 && { name }), ...(u.externalId !== undefined && { externalId: u.externalId }), active: u.active ?? true },
      'application/scim+json',
    );
  }

  async scimUsers(userName?: string): Promise<ScimUserResource[]> {
    const q = userName === undefined ? '' : `?filter=${encodeURIComponent(`userName eq "${userName.replace(/(["\\])/g, '\\$1')}"`)}`;
    return (await this.call<ScimListResponse>('GET', `/api/v1/fleet/scim/Users${q}`)).Resources;
  }

  async deleteScimUser(id: string): Promise<void> {
    await this.call('DELETE', `/api/v1/fleet/scim/Users/${encodeURIComponent(id)}`);
  }

  /** POST /api/v1/fleet/commands/run with a raw SyncML <Exec> (sent base64, as Fleet takes it). */
  runCommand(syncml: string, hostUuids: string[]): Promise<FleetCommandEnqueued> {
    return this.call('POST', '/api/v1/fleet/commands/run', { command: Buffer.from(syncml, 'utf8').toString('base64'), host_uuids: hostUuids });
  }

  async deleteHost(id: number): Promise<void> {
    await this.call('DELETE', `/api/v1/fleet/hosts/${id}`);
  }

  /**
   * GET /api/v1/fleet/hosts (listHostsEndpoint); with `deviceMapping` each host carries its device_mapping; `query`
   * matches hostname, computer_name, uuid, hardware_serial or primary_ip (server/datastore/mysql/hosts.go hostSearchColumns).
   */
  async hosts(opts: { deviceMapping?: boolean; query?: string } = {}): Promise<FleetHost[]> {
    const q = new URLSearchParams({ ...(opts.deviceMapping && { device_mapping: 'true' }), ...(opts.query !== undefined && { query: opts.query }) }).toString();
    return (await this.call<{ hosts: FleetHost[] }>('GET', `/api/v1/fleet/hosts${q ? `?${q}` : ''}`)).hosts;
  }

  /** GET /api/v1/fleet/hosts/:id (getHostEndpoint). */
  async host(id: number): Promise<FleetHostDetail> {
    return (await this.call<{ host: FleetHostDetail }>('GET', `/api/v1/fleet/hosts/${id}`)).host;
  }

  /** GET /api/v1/fleet/hosts/identifier/:identifier (hostByIdentifierEndpoint): hostname, UUID, serial…; undefined on 404. */
  async hostByIdentifier(identifier: string): Promise<FleetHostDetail | undefined> {
    try {
      return (await this.call<{ host: FleetHostDetail }>('GET', `/api/v1/fleet/hosts/identifier/${encodeURIComponent(identifier)}`)).host;
    } catch (e) {
      if (e instanceof FleetApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** GET /api/v1/fleet/hosts/:id/device_mapping (listHostDeviceMappingEndpoint). */
  deviceMapping(id: number): Promise<FleetHostDeviceMapping> {
    return this.call('GET', `/api/v1/fleet/hosts/${id}/device_mapping`);
  }

  /** GET /api/v1/fleet/hosts/:id/activities (ListHostPastActivities), newest first. */
  hostActivities(id: number): Promise<FleetActivities> {
    return this.call('GET', `/api/v1/fleet/hosts/${id}/activities`);
  }

  /** GET /api/v1/fleet/activities (listActivitiesEndpoint), newest first. */
  activities(): Promise<FleetActivities> {
    return this.call('GET', '/api/v1/fleet/activities?order_key=created_at&order_direction=desc&per_page=1000');
  }

  /** Whether the target serves the lab's own API (the embedded MDM server, enrollscope serve) or not (a real Fleet). */
  async hasLabApi(): Promise<boolean> {
    try {
      await this.labSwitches();
      return true;
    } catch (e) {
      if (e instanceof LabApiMissingError) return false;
      throw e;
    }
  }

  /** Lab-only (no Fleet API): the switches that are Fleet's server config or build. */
  labSwitches(): Promise<LabMdmSwitches> {
    return this.call('GET', LAB_MDM_SETTINGS_PATH);
  }

  /** Lab-only (no Fleet API). */
  setLabSwitches(patch: Partial<LabMdmSwitches>): Promise<LabMdmSwitches> {
    return this.call('PATCH', LAB_MDM_SETTINGS_PATH, patch);
  }

  /** Lab-only (no Fleet API): an EUA token signed as the server signs it (NewEUAToken), for any upn and device id. */
  async mintEuaToken(upn: string, deviceId: string): Promise<string> {
    return (await this.call<{ token: string }>('POST', LAB_MDM_EUA_TOKEN_PATH, { upn, device_id: deviceId })).token;
  }

  /** Lab-only (a Fleet reads the wall clock): set the server's lab clock to `now` (ms since the epoch). */
  setLabClock(now: number): Promise<LabMdmClock> {
    return this.call('PUT', LAB_MDM_CLOCK_PATH, { now });
  }

  /** Lab-only (Fleet's commands/run takes only <Exec>): queue any raw SyncML command for a device's next session. */
  queueRawCommand(deviceId: string, command: string): Promise<LabQueuedCommand> {
    return this.call('POST', LAB_MDM_COMMANDS_PATH, { device_id: deviceId, command });
  }
}
