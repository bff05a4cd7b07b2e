/**
 * The person at the keyboard, as the device needs them: their credentials, and what they do on another screen
 * (enter a device code, approve an MFA push). A scenario wires the two actions to the Entra emulator's controls
 * (`approveDeviceCode`, `resolveMfa`); parties never reach each other directly.
 */
export interface DeviceUser {
  upn: string;
  password: string;
  /** The user opens the verification page and enters the code (device code flow, RFC 8628 §3.3). */
  approveDeviceCode?(userCode: string, verificationUrl: string): Promise<void> | void;
  /** The user approves the push on their phone, matching the number shown (entra-mde2.md §5.5). */
  approveMfa?(requestId: string, entropy: number): Promise<void> | void;
}

export type SignInMethod = 'password' | 'device-code' | 'mfa';
