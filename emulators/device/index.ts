/**
 * # The virtual Windows device
 *
 * A Windows 11 machine with a software TPM, doing what Windows does during Autopilot / "Access work or school"
 * (reference/entra-mde2.md §11.1), every message a real HTTP exchange through the lab client, every TPM operation
 * a `local` step. It talks to Entra and the MDM server by URL only; it never imports them.
 *
 * ```ts
 * const device = await createDevice({ lab, entraUrl, mdmUrl, user: { upn, password, approveMfa, approveDeviceCode },
 *                                     launchers: { [FLEETD_PRODUCT_ID]: orbitLauncher({ lab }) } });
 * await device.oobeSignIn();            // 'password' | 'device-code' | 'mfa': the user's one sign-in prompt
 * await device.join();                  // DRS discovery + join: TPM device key CSR, transport key blob, device cert
 * await device.getPrt();                // nonce, CloudAP's device-key-signed password grant, session key unwrapped
 *                                       // into the TPM, then WAM's session-key-signed exchange for the MDM token
 *                                       // ({ mdmTokenVia: 'prt-sso' }: PRT SSO on authorize, a code, its redemption)
 * await device.provisionHello({ pin }); // Windows Hello: DRS token from the PRT, PIN, TPM key, MS-KPP key registration
 * await device.helloSignIn({ pin });    // PIN at the lock screen: PRT by the NGC-signed assertion, then the MDM token
 * await device.enrollMdm();             // bare GET, Discover, GetPolicies, TPM-made CSR, RST, provisioning doc
 * const s = await device.syncManagement(); // one OMA-DM session; MSI jobs it accepted run after it (orbit starts)
 * ```
 *
 * - `createDevice` opens the `device` store (device.sqlite: state, certificate stores, MSI jobs, the CSP tree)
 *   and the TPM's (`tpm` store), and on first use "boots" the hardware (DevInfo, DevDetail…).
 * - `enrollMdm({ accessToken, notInOobe, enrollmentType, discoveryUrl })`: an Entra-shaped token of your own can be used,
 *   and `mdmDiscoveryUrl` may point at an MDM server outside the lab.
 * - `launchers` maps an MSI product code (`{GUID}`) to what installing it starts; the device awaits it.
 * - State lives in the stores only; `device.state`, `device.tpm`, `device.csp` read it.
 */
import type { Lab } from '../lab/lab.js';
import type { TokenResponse } from '../protocols/oauth.js';
import type { Store } from '../lab/store.js';
import { MDM_PATHS } from '../protocols/paths/mdm.js';
import { DEVICE_SCHEMA } from './schema.js';
import { deleteRegistryValue, readRegistryValue } from './registry.js';
import { CspTree } from './csp/tree.js';
import { openTpm, type Tpm } from './tpm/backend.js';
import { DeviceState, type Hardware, type HelloState, type JoinState, type MdmTokenState, type PrtState, type SignInState } from './state.js';
import { makeHardware } from './hardware.js';
import { writeBootNodes } from './setup.js';
import type { DeviceContext } from './context.js';
import { oobeSignIn } from './entra/oobe-signin.js';
import { drsJoin } from './entra/drs-join.js';
import { helloSignIn, provisionHello } from './entra/hello.js';
import { getMdmToken, getPrt, type MdmTokenVia } from './entra/prt.js';
import { getMdmTokenByPrtSso, tokenByPrtSso, type PrtSsoRequest } from './entra/prt-sso.js';
import { enrollMdm, type EnrollMdmOptions, type EnrollMdmResult } from './mdm/mde2-enroll.js';
import { omadmSession, type OmaDmSessionResult } from './mdm/omadm.js';
import type { MsiLauncher } from './mdm/msi.js';
import type { DeviceUser, SignInMethod } from './entra/user.js';

export type { DeviceUser, SignInMethod } from './entra/user.js';
export type { MdmTokenVia } from './entra/prt.js';
export type { PrtSsoRequest } from './entra/prt-sso.js';
export type { MsiInstall, MsiLauncher } from './mdm/msi.js';
export type { OmaDmSessionResult } from './mdm/omadm.js';
export type { EnrollMdmOptions, EnrollMdmResult } from './mdm/mde2-enroll.js';
export type { Hardware } from './state.js';

/** Fleet's fleetd-base.msi product code (syncml.FleetdWindowsInstallerGUID, fleet.md §3). */
export const FLEETD_PRODUCT_ID = '{A427C0AA-E2D5-40DF-ACE8-0D726A6BE096}';

export interface CreateDeviceOptions {
  lab: Lab;
  /** Entra's base URL (token endpoints under /{tenant}/oauth2/…). */
  entraUrl?: string;
  /** DRS base URL (default: Entra's). */
  drsUrl?: string;
  /** The MDM discovery URL Entra's MDM app hands Windows (e.g. an external Fleet's …/api/mdm/microsoft/discovery). */
  mdmDiscoveryUrl?: string;
  /** The MDM server's base URL: discovery is then <mdmUrl>/EnrollmentServer/Discovery.svc. */
  mdmUrl?: string;
  /** The resource the MDM token is asked for (default: the MDM server's origin, what Fleet's audience check wants). */
  mdmResource?: string;
  user?: DeviceUser;
  hardware?: Partial<Hardware>;
  launchers?: Record<string, MsiLauncher>;
}

export interface VirtualDevice {
  readonly lab: Lab;
  readonly store: Store;
  readonly tpm: Tpm;
  readonly csp: CspTree;
  readonly state: DeviceState;
  readonly hardware: Hardware;
  oobeSignIn(method?: SignInMethod): Promise<SignInState>;
  join(): Promise<JoinState>;
  /** Windows Hello for Business provisioning with this PIN (after getPrt). */
  provisionHello(opts: { pin: string }): Promise<HelloState>;
  /** A Windows Hello sign-in with the PIN: a new PRT by the NGC assertion, then the MDM token from it. */
  helloSignIn(opts: { pin: string }): Promise<{ prt: PrtState; mdmToken: MdmTokenState }>;
  /** PRT (CloudAP password grant), then the MDM token from it: WAM's broker exchange (default) or PRT SSO on authorize. */
  getPrt(opts?: { mdmTokenVia?: MdmTokenVia }): Promise<{ prt: PrtState; mdmToken: MdmTokenState }>;
  /** A token from the PRT through authorize (x-ms-RefreshTokenCredential + x-ms-DeviceCredential → code → tokens). */
  tokenByPrtSso(req: PrtSsoRequest): Promise<TokenResponse>;
  enrollMdm(opts?: EnrollMdmOptions): Promise<EnrollMdmResult>;
  syncManagement(): Promise<OmaDmSessionResult>;
  /** What programs on this Windows (orbit) reach of it: HKLM registry values and an MDM check-in. */
  readonly windows: WindowsApi;
}

/** The OS calls a program running on the device makes (orbit's registry read, TriggerWindowsMDMSync). */
export interface WindowsApi {
  registryValue(key: string, name: string): string | undefined;
  deleteRegistryValue(key: string, name: string): void;
  /** An MDM enrollment exists (HKLM\SOFTWARE\Microsoft\Enrollments). */
  hasActiveMdmEnrollment(): boolean;
  /** Run a management session now (the EnterpriseMgmt schedule's PushLaunch task). */
  syncMdm(): Promise<void>;
}

export async function createDevice(opts: CreateDeviceOptions): Promise<VirtualDevice> {
  const { lab } = opts;
  const store = lab.openStore('device', DEVICE_SCHEMA);
  const csp = new CspTree(store);
  const state = new DeviceState(store);
  // The lab's TPM: the in-process one unless the run chose swtpm (tpm/backend.ts chooseTpm).
  const tpm = await openTpm(lab);
  const trim = (u: string | undefined) => (u ? u.replace(/\/+$/, '') : null);
  const mdmDiscoveryUrl = opts.mdmDiscoveryUrl ?? (opts.mdmUrl ? `${trim(opts.mdmUrl)}${MDM_PATHS.enrollEntryPoint}` : null);
  const ctx: DeviceContext = {
    lab,
    store,
    tpm,
    csp,
    state,
    entraUrl: trim(opts.entraUrl),
    drsUrl: trim(opts.drsUrl),
    mdmDiscoveryUrl,
    launchers: opts.launchers ?? {},
  };
  if (!state.get('hardware')) {
    const hw = makeHardware(lab.ids, opts.hardware);
    await lab.local({ party: 'device', catalogId: 'device.setup', title: `Windows setup: ${hw.deviceName} (${hw.manufacturer} ${hw.model})`, detail: { ...hw } }, () =>
      store.tx((db) => {
        state.set(db, 'hardware', hw);
        writeBootNodes(csp, db, hw, lab.clock.date());
      }),
    );
  }
  const hardware = state.require('hardware', 'setup failed');
  const user = () => {
    if (!opts.user) throw new Error('this device has no user');
    return opts.user;
  };
  const mdmResource = () => opts.mdmResource ?? (mdmDiscoveryUrl ? `${new URL(mdmDiscoveryUrl).origin}/` : null);

  return {
    lab,
    store,
    tpm,
    csp,
    state,
    hardware,
    oobeSignIn: (method = 'password') => oobeSignIn(ctx, user(), method),
    join: () => drsJoin(ctx),
    getPrt: async (o = {}) => {
      const prt = await getPrt(ctx, user());
      const resource = mdmResource();
      if (!resource) throw new Error('the device has no MDM URL to ask a token for');
      const mdmToken = o.mdmTokenVia === 'prt-sso' ? await getMdmTokenByPrtSso(ctx, resource) : await getMdmToken(ctx, resource);
      return { prt, mdmToken };
    },
    provisionHello: ({ pin }) => provisionHello(ctx, pin),
    helloSignIn: async ({ pin }) => {
      const prt = await helloSignIn(ctx, pin);
      const resource = mdmResource();
      if (!resource) throw new Error('the device has no MDM URL to ask a token for');
      return { prt, mdmToken: await getMdmToken(ctx, resource) };
    },
    tokenByPrtSso: (req) => tokenByPrtSso(ctx, req),
    enrollMdm: (o) => enrollMdm(ctx, o),
    syncManagement: () => omadmSession(ctx),
    windows: {
      registryValue: (key, name) => store.read((db) => readRegistryValue(db, key, name)),
      deleteRegistryValue: (key, name) => store.tx((db) => deleteRegistryValue(db, key, name)),
      hasActiveMdmEnrollment: () => state.get('enrollment') !== undefined,
      syncMdm: async () => void (await omadmSession(ctx)),
    },
  };
}
