import { createDevice, FLEETD_PRODUCT_ID, type MdmTokenVia, type MsiInstall, type MsiLauncher, type VirtualDevice, type SignInMethod } from '../../device/index.js';
import { orbitLauncher, type OrbitResult } from '../../orbit/index.js';
import type { InstallerBehaviour } from '../../orbit/setup-experience.js';
import { espView } from '../../device/csp/esp.js';
import { fleetClient, labSwitch, type World } from '../world.js';
import type { MdmNeed, ScenarioOption, ScenarioOptions } from '../types.js';

/**
 * The Autopilot / Entra-join story every scenario builds on (entra-mde2.md §11.1, fleet.md §3–§4): the user signs
 * in at OOBE, the device joins Entra, gets a PRT and an MDM token, enrolls in the MDM server, runs management
 * sessions; the MsiInstallJob installs fleetd, which starts orbit with the EUA_TOKEN it was given.
 */
export interface AutopilotSettings {
  /** Fleet after #41381 (EUA token on the MSI command line) or before it. */
  eua: boolean;
  orbitVersion: string;
  signIn: SignInMethod;
  /** A SCIM user whose user_name is the UPN exists in Fleet. */
  scimUser: boolean;
  /** Settings app / "Access work or school" instead of OOBE. */
  notInOobe: boolean;
  /** The MDM token from the PRT: WAM's broker exchange (what Windows does), or PRT SSO on authorize (libhimmelblau's way). */
  mdmTokenVia: MdmTokenVia;
  /** Runs after the MSI install hands orbit its properties, before orbit starts: a scenario's twist. */
  beforeOrbit?: (install: MsiInstall, world: World, device: VirtualDevice) => Promise<unknown>;
  /** Runs before the device starts (seed Fleet rows, for example). */
  before?: (world: World, upn: string) => Promise<unknown> | void;
  /** Runs once the device has its PRT, before MDM enrollment (Windows Hello provisioning and sign-in, for example). */
  afterPrt?: (device: VirtualDevice, world: World) => Promise<unknown>;
  /**
   * The MsiInstallJob finishes after the management sessions (Windows runs it in the background): orbit starts once
   * both sessions are over, so the device has answered the DevDetail serial Get before its host exists.
   */
  deferOrbit?: boolean;
  /** What setup-experience installers do on the machine (orbit/setup-experience.ts); default they succeed. */
  installer?: InstallerBehaviour;
}

export interface AutopilotOutcome {
  upn: string;
  hardwareUuid: string;
  mdmDeviceId: string;
  hwDevId: string;
  orbit: OrbitResult | null;
  device: VirtualDevice;
}

/** The options the UI offers on every Autopilot scenario. */
export const AUTOPILOT_OPTIONS: ScenarioOption[] = [
  { name: 'eua', label: 'EUA token (Fleet ≥ #41381)', kind: 'boolean', default: true },
  { name: 'orbitVersion', label: 'Orbit version', kind: 'select', choices: ['1.55.0', '1.50.0'], default: '1.55.0' },
  { name: 'signIn', label: 'Sign-in method', kind: 'select', choices: ['password', 'device-code', 'mfa'], default: 'password' },
  { name: 'scimUser', label: 'SCIM user for the UPN', kind: 'boolean', default: true },
  { name: 'mdmToken', label: 'MDM token from the PRT', kind: 'select', choices: ['broker', 'prt-sso'], default: 'broker' },
];

export function optionsOf(o: ScenarioOptions, defaults: Partial<AutopilotSettings> = {}): AutopilotSettings {
  const bool = (name: string, d: boolean) => (typeof o[name] === 'boolean' ? (o[name] as boolean) : typeof o[name] === 'string' ? o[name] === 'true' : d);
  const str = (name: string, d: string) => (typeof o[name] === 'string' && o[name] !== '' ? (o[name] as string) : d);
  const signIn = str('signIn', defaults.signIn ?? 'password');
  if (signIn !== 'password' && signIn !== 'device-code' && signIn !== 'mfa') throw new Error(`signIn must be password, device-code or mfa, not "${signIn}"`);
  const mdmTokenVia = str('mdmToken', defaults.mdmTokenVia ?? 'broker');
  if (mdmTokenVia !== 'broker' && mdmTokenVia !== 'prt-sso') throw new Error(`mdmToken must be broker or prt-sso, not "${mdmTokenVia}"`);
  return {
    eua: bool('eua', defaults.eua ?? true),
    orbitVersion: str('orbitVersion', defaults.orbitVersion ?? '1.55.0'),
    signIn,
    scimUser: bool('scimUser', defaults.scimUser ?? true),
    notInOobe: bool('notInOobe', defaults.notInOobe ?? false),
    mdmTokenVia,
    ...(defaults.beforeOrbit && { beforeOrbit: defaults.beforeOrbit }),
    ...(defaults.before && { before: defaults.before }),
    ...(defaults.afterPrt && { afterPrt: defaults.afterPrt }),
    ...(defaults.deferOrbit && { deferOrbit: defaults.deferOrbit }),
    ...(defaults.installer && { installer: defaults.installer }),
  };
}

/**
 * The lab clock moves where the story waits (device-code and MFA polls, a token left to expire) instead of sleeping:
 * the MDM server must read the same clock, which the embedded server does and `serve` follows (/lab/v1/mdm/clock).
 */
export const LAB_CLOCK_NEED: MdmNeed = { needs: 'lab-api', why: 'the lab clock moves before the MDM checks a token, and the MDM server must follow it (/lab/v1/mdm/clock)' };

/** The Autopilot story's need of the MDM party: Fleet's API, unless the EUA token is off (a Fleet build before #41381). */
export function autopilotNeeds(o: ScenarioOptions, defaults: Partial<AutopilotSettings> = {}): MdmNeed | undefined {
  return optionsOf(o, defaults).eua ? undefined : { needs: 'lab-api', why: 'the EUA token off is a Fleet build before #41381 (the lab switch euaTokenEnabled)' };
}

/**
 * The SCIM user of the UPN there or not, through Fleet's SCIM API. The embedded server starts empty; an external Fleet
 * may keep one from an earlier run, which is taken (present) or deleted (absent), so the run starts as the story says.
 */
async function scimUserForUpn(world: World, upn: string, givenName: string, present: boolean): Promise<void> {
  const fleet = fleetClient(world);
  const existing = world.mdmTarget.embedded ? [] : await fleet.scimUsers(upn);
  if (present && existing.length === 0) await fleet.createScimUser({ userName: upn, emails: [{ value: upn, primary: true, type: 'work' }], givenName });
  if (!present) for (const u of existing) await fleet.deleteScimUser(u.id);
}

export async function runAutopilot(world: World, s: AutopilotSettings): Promise<AutopilotOutcome> {
  const { lab, entra } = world;
  await labSwitch(world, { euaTokenEnabled: s.eua });
  const user = entra.users.find((u) => u.mfa === (s.signIn === 'mfa'));
  if (!user) throw new Error(`the lab tenant has no ${s.signIn === 'mfa' ? 'MFA' : 'password-only'} user`);
  await scimUserForUpn(world, user.upn, user.displayName.split(' ')[0] ?? user.displayName, s.scimUser);
  await s.before?.(world, user.upn);

  const launchers: Record<string, MsiLauncher> = {};
  const device = await createDevice({
    lab,
    entraUrl: entra.url,
    mdmUrl: world.mdmTarget.url,
    user: {
      upn: user.upn,
      password: user.password,
      approveDeviceCode: (code) => entra.approveDeviceCode(code, user.upn),
      approveMfa: (id) => entra.resolveMfa(id, true),
    },
    launchers,
  });
  world.devices.push(device);
  const orbit = orbitLauncher({
    lab,
    version: s.orbitVersion,
    hardwareUuid: device.hardware.hardwareUuid,
    serial: device.hardware.serial,
    hostname: device.hardware.deviceName,
    ssoUser: { upn: user.upn, password: user.password },
    ...(s.installer && { installer: s.installer }),
    // #38467: a browser orbit opens while Windows shows the ESP opens behind it.
    coveredBy: () => (espView(device.store)?.state === 'showing' ? 'Enrollment Status Page' : null),
    windows: device.windows,
  });
  let launched = false;
  const start = async (install: MsiInstall) => {
    await s.beforeOrbit?.(install, world, device);
    await orbit.launch(install);
  };
  let deferred: MsiInstall | undefined;
  launchers[FLEETD_PRODUCT_ID] = async (install) => {
    launched = true;
    if (s.deferOrbit) deferred = install;
    else await start(install);
  };

  await device.oobeSignIn(s.signIn);
  await device.join();
  await device.getPrt({ mdmTokenVia: s.mdmTokenVia });
  await s.afterPrt?.(device, world);
  const enrolled = await device.enrollMdm({ notInOobe: s.notInOobe });
  // First session: Fleet queues the fleetd install; the device installs it and orbit starts. Fleet of #43295 queued
  // the Add and the Exec apart and could hand out the Exec first (404, nothing installed): it queues them again in
  // the next session, as real Windows would see it, until the install ran (at most 3 sessions here).
  await device.syncManagement();
  for (let i = 0; i < 2 && !orbit.result() && !launched; i++) await device.syncManagement();
  // Then a session where the device reports the install; orbit has checked in, so nothing is queued again.
  await device.syncManagement();
  if (deferred) await start(deferred);
  return {
    upn: user.upn,
    hardwareUuid: device.hardware.hardwareUuid,
    mdmDeviceId: enrolled.deviceId,
    hwDevId: enrolled.hwDevId,
    orbit: orbit.result(),
    device,
  };
}
