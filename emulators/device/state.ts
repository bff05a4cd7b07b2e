import type { Store, Db } from '../lab/store.js';

/** The virtual hardware and OS Windows reports (DevInfo, DevDetail, the MS-MDE2 context items). */
export interface Hardware {
  deviceName: string;
  manufacturer: string;
  model: string;
  serial: string;
  /** SMBIOS system UUID: what osquery and orbit report as `hardware_uuid`. */
  hardwareUuid: string;
  macs: string[];
  osVersion: string;
  /** PRODUCT_* of GetProductInfo (48 Professional, 4 Enterprise, 72 Enterprise Evaluation). */
  osEdition: string;
  locale: string;
  /** MDM DeviceID (HKLM\…\OMADM\MDMDeviceID\DeviceClientId): 32 upper hex, the SyncML Source/LocURI. */
  mdmDeviceId: string;
  /** HWDevID: 64 upper hex, stable per hardware (Fleet's unique key for re-enrollment). */
  hwDevId: string;
}

/** What the user's sign-in left on the device (WAM's token cache). */
export interface SignInState {
  method: 'password' | 'device-code' | 'mfa';
  upn: string;
  tenantId: string;
  userObjectId: string;
  refreshToken: string;
  accessToken: string;
}

/** dsregcmd's view after the join. */
export interface JoinState {
  deviceId: string;
  tenantId: string;
  deviceCertB64: string;
  deviceKeyHandle: string;
  transportKeyHandle: string;
  tokenEndpoint: string;
}

export interface PrtState {
  prt: string;
  sessionKeyHandle: string;
  expiresOn: number;
}

export interface MdmTokenState {
  accessToken: string;
  expiresOn: number;
  deviceId: string | null;
}

/** What MS-MDE2 enrollment left (the DMClient provider, the DM account, the certificate). */
export interface EnrollmentState {
  discoveryUrl: string;
  policyUrl: string;
  enrollmentUrl: string;
  managementUrl: string;
  providerId: string;
  dmAccountId: string;
  clientKeyHandle: string;
  clientThumbprint: string;
  enrollmentType: 'Device' | 'Full';
  upn: string;
  notInOobe: boolean;
}

/** The Windows Hello for Business container (MS-KPP): the TPM key, its kid, and what Entra answered. */
export interface HelloState {
  upn: string;
  keyHandle: string;
  /** base64 SHA-256 of the key's BCRYPT_RSAKEY_BLOB: what the NGC assertion's header names. */
  kid: string;
  /** The key id Entra's key provisioning reply gave (MS-KPP 3.1.5.1.1.2). */
  keyId: string;
}

export interface OmaDmState {
  lastSessionId: number;
}

interface Shape {
  hardware: Hardware;
  signIn: SignInState;
  join: JoinState;
  prt: PrtState;
  mdmToken: MdmTokenState;
  enrollment: EnrollmentState;
  omadm: OmaDmState;
  hello: HelloState;
}

export type StateName = keyof Shape;

/** Typed access to `device_state`; writes take the Db of the caller's transaction. */
export class DeviceState {
  constructor(private readonly store: Store) {}

  get<K extends StateName>(name: K): Shape[K] | null {
    const v = this.store.read((db) => db.prepare(`SELECT value FROM device_state WHERE name = ?`).pluck().get(name) as string | undefined);
    return v === undefined ? null : (JSON.parse(v) as Shape[K]);
  }

  require<K extends StateName>(name: K, why: string): Shape[K] {
    const v = this.get(name);
    if (v === null) throw new Error(`the device has no ${name} yet: ${why}`);
    return v;
  }

  set<K extends StateName>(db: Db, name: K, value: Shape[K]): void {
    db.prepare(`INSERT INTO device_state(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value`).run(name, JSON.stringify(value));
  }

  delete(db: Db, name: StateName): void {
    db.prepare(`DELETE FROM device_state WHERE name = ?`).run(name);
  }
}
