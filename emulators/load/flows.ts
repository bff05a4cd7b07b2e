import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { Lab } from '../lab/lab.js';
import type { KeyFactory } from '../lab/keys.js';
import { chooseTpm, closeTpm } from '../device/tpm/backend.js';
import { createDevice, FLEETD_PRODUCT_ID, type MsiLauncher, type VirtualDevice } from '../device/index.js';
import { orbitLauncher, startOrbit, type OrbitResult } from '../orbit/index.js';
import { MDE2, encodeDeviceEnrollmentUserToken } from '../protocols/mde2/envelope.js';
import { espView } from '../device/csp/esp.js';
import { fleetClient, labSwitch, type World } from '../scenarios/world.js';
import { FleetApiError, FleetClient } from '../lab/fleet-client.js';
import type { LabTls } from '../lab/tls.js';
import type { PeerTrust } from '../lab/client.js';
import type { DeviceIdentity } from './identity.js';
import { PhaseTimer } from './stats.js';

/** The scenarios a load can run: each device tells the named scenario's story against the one shared world. */
export const LOAD_SCENARIOS = ['autopilot-eua', 'autopilot-no-eua', 'programmatic'] as const;
export type LoadScenario = (typeof LOAD_SCENARIOS)[number];

/** What one device did: enough to check its story held and to draw the summary. */
export interface DeviceRun {
  identity: DeviceIdentity;
  timer: Pick<PhaseTimer, 'ms' | 'failed'>;
  mdmDeviceId: string | null;
  orbit: OrbitResult | null;
  prompts: number;
  error: Error | null;
}

/** The world-wide part of a scenario, done once before the first device starts (what the Fleet admin set up). */
export async function prepareWorld(world: World, scenario: LoadScenario): Promise<{ enrollSecret: string }> {
  const fleet = fleetClient(world);
  // The devices' requests go out of their own labs, never the world's, so world.ts followLabClock never fires for
  // them: an external server with the lab's API is brought to this world's clock once, here (its tokens' iat/exp).
  if (world.mdmTarget.labApi && !world.mdmTarget.embedded) await fleet.setLabClock(world.lab.clock.now());
  // Fleet ≥ #41381 puts the EUA token on the MSI command line; autopilot-no-eua is a Fleet without it (which a real
  // Fleet, having no lab API, cannot be made: LabApiMissingError).
  await labSwitch(world, { euaTokenEnabled: scenario !== 'autopilot-no-eua' });
  const [secret] = await fleet.enrollSecrets();
  if (!secret) throw new Error('Fleet has no global enroll secret');
  return { enrollSecret: secret.secret };
}

/**
 * What a device needs of the world: its servers' URLs, the lab CA, the admin's Fleet API token, the lab time.
 * Plain data, so a device can run in a worker thread as well as beside the servers.
 */
export interface WorldView {
  entraUrl: string;
  /** The MDM server the devices enroll into: the embedded one, or the external Fleet of load --mdm-url. */
  mdmUrl: string;
  tls: LabTls | null;
  /** An admin token of that MDM server (the embedded one's, or --mdm-token). */
  fleetToken: string;
  /** Outside servers the devices trust on their own terms (an external MDM's --mdm-ca or --insecure), as lab.ts peers. */
  peers: PeerTrust[];
  /** The world's clock when the device starts (a seeded world's is pinned). */
  now: number;
}

export function worldView(world: World): WorldView {
  const t = world.mdmTarget;
  return { entraUrl: world.entra.url, mdmUrl: t.url, tls: world.lab.tls, fleetToken: t.token, peers: [...world.lab.peers], now: world.lab.clock.now() };
}

/** The admin's Fleet client of a device's view: the lab CA for the embedded server, the peer's trust for an external one. */
function viewFleetClient(world: WorldView): FleetClient {
  const peer = world.peers.find((p) => p.origin === new URL(world.mdmUrl).origin);
  const caPem = peer ? peer.caPem : world.tls?.caPem;
  return new FleetClient({ url: world.mdmUrl, token: world.fleetToken, ...(caPem && { caPem }), ...(peer?.insecure && { insecure: true }) });
}

export interface DeviceRunOptions {
  world: WorldView;
  scenario: LoadScenario;
  identity: DeviceIdentity;
  keys: KeyFactory;
  /** Folder for the device's own DB files (device, TPM, orbit); removed when the device is done. */
  dir: string;
  enrollSecret: string;
  /** Each device's SCIM user in Fleet (what the IdP's SCIM sync pushes), as autopilot-eua has by default. */
  scimUser: boolean;
  /** The device's TPM: the in-process one (default) or its own swtpm process, whose keys it makes itself (load --tpm swtpm). */
  tpm?: 'soft' | 'swtpm';
}

/**
 * One virtual device through the scenario. The device is a real one of its own lab (its TPM, its stores, its
 * orbit); the lab is light (no history kept) and talks HTTP to the world's one Entra and one MDM server.
 */
export async function runDevice(o: DeviceRunOptions): Promise<DeviceRun> {
  const { world, identity } = o;
  const lab = new Lab({ dataDir: join(o.dir, `d${identity.globalIndex}`), seed: identity.seed, startAt: world.now, keys: o.keys, light: true, tls: world.tls, peers: world.peers });
  if (o.tpm === 'swtpm') chooseTpm(lab, 'swtpm', 'load --tpm swtpm');
  const timer = new PhaseTimer();
  const run: DeviceRun = { identity, timer, mdmDeviceId: null, orbit: null, prompts: 0, error: null };
  try {
    await timer.time('device', () => (o.scenario === 'programmatic' ? programmatic(o, lab, run, timer) : autopilot(o, lab, run, timer)));
  } catch (e) {
    run.error = e as Error;
  } finally {
    run.prompts = lab.promptCount;
    await closeTpm(lab);
    lab.close();
    rmSync(lab.dataDir, { recursive: true, force: true });
  }
  return run;
}

/**
 * The device's user as the IdP's SCIM sync pushes it to Fleet. An external Fleet outlives a load: a user an earlier
 * load pushed is kept (RFC 7644 §3.3: 409 uniqueness when the userName is taken), as a sync leaves an unchanged user.
 */
async function pushScimUser(fleet: FleetClient, id: DeviceIdentity): Promise<void> {
  try {
    await fleet.createScimUser({ userName: id.upn, emails: [{ value: id.upn, primary: true, type: 'work' }], givenName: 'Load' });
  } catch (e) {
    if (e instanceof FleetApiError && e.status === 409 && (await fleet.scimUsers(id.upn)).length > 0) return;
    throw e;
  }
}

const hardwareOf = (id: DeviceIdentity) => ({ hardwareUuid: id.hardwareUuid, serial: id.serial, deviceName: id.deviceName, mdmDeviceId: id.mdmDeviceId });

/** flows/autopilot.ts runAutopilot, timed by phase: OOBE sign-in and join, PRT, enrollment, management, orbit. */
async function autopilot(o: DeviceRunOptions, lab: Lab, run: DeviceRun, timer: PhaseTimer): Promise<void> {
  const { world, identity: id } = o;
  const fleet = viewFleetClient(world);
  if (o.scimUser) await pushScimUser(fleet, id);
  const launchers: Record<string, MsiLauncher> = {};
  const device: VirtualDevice = await createDevice({
    lab,
    entraUrl: world.entraUrl,
    mdmUrl: world.mdmUrl,
    user: { upn: id.upn, password: id.password },
    hardware: hardwareOf(id),
    launchers,
  });
  const orbit = orbitLauncher({
    lab,
    version: '1.55.0',
    hardwareUuid: device.hardware.hardwareUuid,
    serial: device.hardware.serial,
    hostname: device.hardware.deviceName,
    ssoUser: { upn: id.upn, password: id.password },
    // #38467: a browser orbit opens while Windows shows the ESP opens behind it.
    coveredBy: () => (espView(device.store)?.state === 'showing' ? 'Enrollment Status Page' : null),
    windows: device.windows,
  });
  let launched = false;
  launchers[FLEETD_PRODUCT_ID] = async (install) => {
    launched = true;
    await timer.time('orbit', () => orbit.launch(install));
  };
  await timer.time('join', async () => {
    await device.oobeSignIn('password');
    await device.join();
  });
  await timer.time('prt', () => device.getPrt({ mdmTokenVia: 'broker' }));
  const enrolled = await timer.time('enroll', () => device.enrollMdm({ notInOobe: false }));
  run.mdmDeviceId = enrolled.deviceId;
  // As runAutopilot: the session that installs fleetd (again while an older Fleet handed the Exec out first), then
  // the one that reports it.
  await timer.time('management', async () => {
    await device.syncManagement();
    for (let i = 0; i < 2 && !orbit.result() && !launched; i++) await device.syncManagement();
    await device.syncManagement();
  });
  run.orbit = orbit.result();
}

/** programmatic.ts: orbit first with the enroll secret (the user passes /mdm/sso once), then Windows enrolls with the node key. */
async function programmatic(o: DeviceRunOptions, lab: Lab, run: DeviceRun, timer: PhaseTimer): Promise<void> {
  const { world, identity: id } = o;
  const device = await createDevice({ lab, mdmUrl: world.mdmUrl, hardware: hardwareOf(id) });
  const orbit = await timer.time('orbit', () =>
    lab.local({ party: 'device', to: 'orbit', catalogId: 'lab.manual-install', title: 'An admin installs fleetd-base.msi by hand: orbit starts' }, () =>
      startOrbit({
        lab,
        fleetUrl: world.mdmUrl,
        enrollSecret: o.enrollSecret,
        version: '1.55.0',
        hardwareUuid: device.hardware.hardwareUuid,
        serial: device.hardware.serial,
        hostname: device.hardware.deviceName,
        ssoUser: { upn: id.upn, password: id.password },
      }),
    ),
  );
  run.orbit = orbit;
  const n = (orbit.config?.notifications ?? {}) as { needs_programmatic_windows_mdm_enrollment?: boolean; windows_mdm_discovery_endpoint?: string };
  if (!n.needs_programmatic_windows_mdm_enrollment || !n.windows_mdm_discovery_endpoint) throw new Error(`orbit's config did not ask for programmatic enrollment: ${JSON.stringify(n)}`);
  const enrolled = await timer.time('enroll', () =>
    device.enrollMdm({
      discoveryUrl: n.windows_mdm_discovery_endpoint!,
      enrollmentType: 'Full',
      notInOobe: true,
      headerToken: { valueType: MDE2.valueTypes.deviceEnrollmentUserToken, content: encodeDeviceEnrollmentUserToken({ type: 1, payload: { orbit_node_key: orbit.nodeKey ?? '' } }) },
    }),
  );
  run.mdmDeviceId = enrolled.deviceId;
  await timer.time('management', () => device.syncManagement());
}
