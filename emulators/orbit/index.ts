/**
 * # The orbit agent (fleetd) emulator
 *
 * What the fleetd MSI starts on Windows: it reads FLEET_URL, FLEET_SECRET and EUA_TOKEN (ORBIT_FLEET_URL,
 * the secret file, ORBIT_EUA_TOKEN, fleet.md §3), enrolls at `POST /api/fleet/orbit/enroll` with `eua_token` when
 * it has one and its version supports it (≥ 1.55.0), sends X-Fleet-Capabilities, and on 401
 * END_USER_AUTH_REQUIRED opens the /mdm/sso page as a prompt to the user, retrying on the lab clock about every
 * 30 s and reopening the page after 5 min (fleet.md §4.3). Then it keeps its node key and fetches its config.
 *
 * ```ts
 * const result = await startOrbit({ lab, fleetUrl, enrollSecret, euaToken, version: '1.55.0', hardwareUuid, serial,
 *                                   hostname, ssoUser: { upn, password } });
 * // or, started by the device's MSI install:
 * const orbit = orbitLauncher({ lab, hardwareUuid, serial, hostname, ssoUser });
 * createDevice({ …, launchers: { [FLEETD_PRODUCT_ID]: orbit.launch } });  … orbit.result()
 * ```
 */
import type { Lab } from '../lab/lab.js';
import { MDM_PATHS } from '../protocols/paths/mdm.js';
import { ENROLL_SECRET_PATH, NODE_KEY_PATH, adoptEnrollSecret, orbitState } from './state.js';
import { signInOnSsoPage, type SsoUser } from './sso.js';
import { DELIVERED_SECRET_MIN_VERSION, EUA_TOKEN_MIN_VERSION, capabilitiesFor, versionAtLeast } from './version.js';
import { adoptDeliveredSecret, throttledMdmSync, type WindowsHost } from './windows-host.js';
import { runSetupExperience, type InstallerBehaviour, type SetupExperienceRun } from './setup-experience.js';

export type { SsoUser } from './sso.js';
export type { WindowsHost } from './windows-host.js';


/**
 * OrbitClient's enroll loop (fleet.md §4.3): end-user-auth rounds sleep 20 s (≈30 s a round) and reopen the SSO page
 * after 5 min; other errors back off from 10 s, doubling, for at most 6 attempts (OrbitEnrollMaxRetries = 6,
 * maxBackoffRetries = the 5 waits between them).
 */
export const ORBIT_TIMING = { euaRetryMs: 30_000, ssoReopenMs: 5 * 60_000, backoffStartMs: 10_000, maxBackoffRetries: 5 } as const;

export interface OrbitOptions {
  lab: Lab;
  fleetUrl: string;
  enrollSecret: string;
  /** The EUA_TOKEN MSI property (ORBIT_EUA_TOKEN). */
  euaToken?: string;
  /** The modelled orbit version: below 1.55.0 the EUA token is not sent. */
  version?: string;
  hardwareUuid: string;
  serial: string;
  hostname: string;
  hardwareModel?: string;
  /** Who answers the SSO window; null: nobody signs in (the prompt stays unanswered). */
  ssoUser?: SsoUser | null;
  /** Give up after this much lab time of END_USER_AUTH_REQUIRED (Fleet's orbit never does; a run must end). */
  maxWaitMs?: number;
  /** A running orbit whose node key the server rejected: enroll again, overwriting the key file (no start step). */
  reenroll?: boolean;
  /** What setup-experience installers do on this machine (setup-experience.ts); default they succeed. */
  installer?: InstallerBehaviour;
  /** What covers the desktop when orbit opens a browser (the Enrollment Status Page during OOBE, #38467), or null. */
  coveredBy?: () => string | null;
  /** The Windows orbit runs on: the registry channel for an MDM-delivered secret and the MDM check-in (windows-host.ts). */
  windows?: WindowsHost;
}

export interface OrbitResult {
  enrolled: boolean;
  nodeKey: string | null;
  /** Enroll requests sent. */
  attempts: number;
  /** Times orbit opened the SSO page (each is a prompt to the user). */
  ssoPrompts: number;
  sentEuaToken: boolean;
  capabilities: string[];
  config: Record<string, unknown> | null;
  error: string | null;
  /** The setup experience orbit ran (null: the config did not ask for it). */
  setupExperience: SetupExperienceRun | null;
}

interface FleetError {
  message?: string;
  errors?: { name: string; reason: string }[];
}

/** Start orbit: enroll (with the end-user-auth loop), keep the node key, fetch the config. Resolves when done. */
export async function startOrbit(o: OrbitOptions): Promise<OrbitResult> {
  const { lab } = o;
  const state = orbitState(lab);
  const { put } = state;
  const version = o.version ?? EUA_TOKEN_MIN_VERSION;
  const capabilities = capabilitiesFor(version);
  const sendEua = !!o.euaToken && versionAtLeast(version, EUA_TOKEN_MIN_VERSION);
  const base = o.fleetUrl.replace(/\/+$/, '');
  if (!o.reenroll) await lab.local(
    {
      party: 'orbit',
      title: `orbit ${version} starts (FLEET_URL, FLEET_SECRET${o.euaToken ? ', EUA_TOKEN' : ''})`,
      catalogId: 'orbit.start',
      detail: { version, fleetUrl: o.fleetUrl, euaToken: o.euaToken ?? null, sendsEuaToken: sendEua, capabilities },
    },
    () => {
      // The MSI wrote FLEET_SECRET to [ORBITROOT]secret.txt; orbit moves it into the keystore and deletes the file.
      state.writeFile(ENROLL_SECRET_PATH, o.enrollSecret);
      adoptEnrollSecret(state);
      put({ fleet_url: o.fleetUrl, enroll_secret: o.enrollSecret, version, ...(o.euaToken ? { eua_token: o.euaToken } : {}) });
    },
  );

  // getNodeKeyOrEnroll: a non-empty key file is reused unless 401s armed a re-enroll (orbit/pkg/... OrbitClient).
  const onDisk = o.reenroll ? undefined : state.readFile(NODE_KEY_PATH)?.trim();
  const result: OrbitResult = { enrolled: false, nodeKey: onDisk || null, attempts: 0, ssoPrompts: 0, sentEuaToken: false, capabilities, config: null, error: null, setupExperience: null };
  const started = lab.clock.now();
  let ssoOpenedAt: number | null = null;
  let failures = 0;
  let enrollSecret = o.enrollSecret;
  // The Windows enroll secret channel (orbit/cmd/orbit, windows): a secret Fleet MDM delivered is read before each
  // enroll attempt (mdmEnrollSecretRefresher), and a refused enroll asks Windows for an MDM check-in (newMDMSync).
  const channel = o.windows && versionAtLeast(version, DELIVERED_SECRET_MIN_VERSION) ? o.windows : undefined;
  const syncMdm = channel ? throttledMdmSync(lab, channel) : undefined;
  while (!result.nodeKey) {
    if (channel) enrollSecret = (await adoptDeliveredSecret(lab, state, channel)) ?? enrollSecret;
    const body: Record<string, string> = {
      enroll_secret: enrollSecret,
      hardware_uuid: o.hardwareUuid,
      hardware_serial: o.serial,
      hostname: o.hostname,
      platform: 'windows',
      platform_like: 'windows',
      osquery_identifier: o.hardwareUuid,
      computer_name: o.hostname,
      hardware_model: o.hardwareModel ?? 'Virtual Machine',
    };
    if (sendEua) body.eua_token = o.euaToken!;
    result.attempts++;
    result.sentEuaToken ||= sendEua;
    const res = await lab.send({
      from: 'orbit',
      to: 'mdm',
      title: `orbit enroll${sendEua ? ' with eua_token' : ''}${result.attempts > 1 ? ` (retry ${result.attempts - 1})` : ''}`,
      catalogId: 'orbit.enroll',
      request: {
        method: 'POST',
        url: `${base}${MDM_PATHS.orbitEnroll}`,
        headers: { 'content-type': 'application/json', 'x-fleet-capabilities': capabilities.join(','), 'user-agent': `fleetd/${version}` },
        body: JSON.stringify(body),
      },
    });
    if (res.status === 200) {
      const key = res.json<{ orbit_node_key?: string }>().orbit_node_key;
      if (!key) {
        result.error = 'enroll answered 200 without orbit_node_key';
        break;
      }
      // Written atomically to secret-orbit-node-key.txt by fleetd; here, to orbit's store.
      await lab.local({ party: 'orbit', catalogId: 'orbit.keep-node-key', title: `orbit keeps its node key (${NODE_KEY_PATH})` }, () => {
        state.writeFile(NODE_KEY_PATH, key);
        put({ node_key: key });
      });
      result.nodeKey = key;
      break;
    }
    const text = res.text();
    if (res.status === 401 && text.includes('END_USER_AUTH_REQUIRED')) {
      // BaseClient.ParseResponse → ErrEndUserAuthRequired: open the SSO window the first time and every 5 min.
      const now = lab.clock.now();
      if (ssoOpenedAt === null || now - ssoOpenedAt >= ORBIT_TIMING.ssoReopenMs) {
        ssoOpenedAt = now;
        result.ssoPrompts++;
        const pageUrl = `${base}${MDM_PATHS.ssoPage}?initiator=setup_experience&host_uuid=${encodeURIComponent(o.hardwareUuid)}`;
        // #38467: during Autopilot the browser opens behind the full-screen ESP; the user sees it only by Alt+Tab.
        const behind = o.coveredBy?.() ?? null;
        await lab.local(
          {
            party: 'orbit',
            to: 'user',
            title: behind ? `orbit opens the SSO page behind the ${behind} (#38467): the user must find it and sign in again` : 'orbit opens the SSO page: the user must sign in again',
            catalogId: 'orbit.sso-prompt',
            prompt: { kind: 'sso', text: `Your organization requires you to sign in (${pageUrl})` },
            detail: { url: pageUrl, ...(behind && { behind, issue: 'https://github.com/fleetdm/fleet/issues/38467' }) },
          },
          async () => {
            put({ sso_opened_at: new Date(now).toISOString() });
            return o.ssoUser ? signInOnSsoPage(lab, pageUrl, o.ssoUser) : false;
          },
          (signedIn) => ({ signedIn }),
        );
      }
      if (lab.clock.now() - started >= (o.maxWaitMs ?? 30 * 60_000)) {
        result.error = 'END_USER_AUTH_REQUIRED: the user never signed in';
        break;
      }
      lab.clock.advance(ORBIT_TIMING.euaRetryMs);
      continue;
    }
    const err = (() => {
      try {
        return res.json<FleetError>().message ?? text;
      } catch {
        return text;
      }
    })();
    // getNodeKeyOrEnroll's error filter (fleet.md §4.3): only a 404 (NotFoundErr) stops at once; every other error,
    // a 401 for a bad secret included, backs off 10 s, 20 s, 40 s, … until OrbitEnrollMaxRetries attempts failed.
    if (res.status === 404 || failures >= ORBIT_TIMING.maxBackoffRetries) {
      result.error = `enroll failed: HTTP ${res.status} ${err}`;
      break;
    }
    await syncMdm?.();
    lab.clock.advance(ORBIT_TIMING.backoffStartMs * 2 ** failures++);
  }

  if (result.nodeKey) {
    result.enrolled = true;
    // Lab stand-in for osquery: Fleet fills host_orbit_info from osquery's orbit_info detail query, which the lab
    // has no osquery to answer; the MDM server accepts the version here instead (emulators/mdm/orbit/config.ts).
    // Without it, Fleet would keep re-queuing the fleetd install every management session (fleet.md §3).
    const res = await lab.send({
      from: 'orbit',
      to: 'mdm',
      title: 'orbit config',
      catalogId: 'orbit.config',
      request: { method: 'POST', url: `${base}${MDM_PATHS.orbitConfig}`, headers: { 'content-type': 'application/json', 'x-fleet-capabilities': capabilities.join(',') }, body: JSON.stringify({ orbit_node_key: result.nodeKey, orbit_info: { version } }) },
    });
    if (res.status === 200) {
      result.config = res.json<Record<string, unknown>>();
      await lab.local({ party: 'orbit', catalogId: 'orbit.keep-config' }, () => put({ config: res.text() }));
      result.setupExperience = await runSetupExperience({ lab, base, nodeKey: result.nodeKey, capabilities, version, installer: o.installer ?? 'succeeds' }, result.config);
    } else result.error = `config failed: HTTP ${res.status}`;
  }
  return result;
}

/** An installed MSI as the device hands it over (structurally the device's MsiInstall; parties share no code). */
export interface InstalledMsi {
  productId: string;
  properties: Record<string, string>;
}

export interface OrbitLauncher {
  /** Give this to the device as the launcher of Fleet's fleetd MSI. */
  launch(install: InstalledMsi): Promise<void>;
  /** The last orbit run's result, null until the MSI ran. */
  result(): OrbitResult | null;
  /** Every MSI install that started orbit. */
  runs(): OrbitResult[];
}

/**
 * Orbit as the fleetd MSI starts it: FLEET_URL, FLEET_SECRET and EUA_TOKEN come from the MSI properties (the
 * WiX template's ORBIT_FLEET_URL / ORBIT_ENROLL_SECRET_PATH / ORBIT_EUA_TOKEN, fleet.md §3); the machine facts
 * come from the scenario (the device's hardware).
 */
export function orbitLauncher(base: Omit<OrbitOptions, 'fleetUrl' | 'enrollSecret' | 'euaToken'>): OrbitLauncher {
  const runs: OrbitResult[] = [];
  return {
    async launch(install) {
      const p = install.properties;
      if (!p.FLEET_URL || !p.FLEET_SECRET) throw new Error('the fleetd MSI was installed without FLEET_URL / FLEET_SECRET');
      runs.push(await startOrbit({ ...base, fleetUrl: p.FLEET_URL, enrollSecret: p.FLEET_SECRET, ...(p.EUA_TOKEN ? { euaToken: p.EUA_TOKEN } : {}) }));
    },
    result: () => runs[runs.length - 1] ?? null,
    runs: () => [...runs],
  };
}
