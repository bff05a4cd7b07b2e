import type { Lab } from '../lab/lab.js';
import type { Store } from '../lab/store.js';

/** What every Entra module gets: the lab (clock, ids, recorder), Entra's store and this server's base URL. */
export interface EntraContext {
  lab: Lab;
  store: Store;
  /** http://127.0.0.1:<port>, known once the server listens (before any request arrives). */
  baseUrl: string;
  /** Lab time (plus an offset) as ISO-8601 text, the form every time column holds. */
  iso(offsetMs?: number): string;
}

export function createEntraContext(lab: Lab, store: Store): EntraContext {
  return {
    lab,
    store,
    baseUrl: '',
    iso: (offsetMs = 0) => new Date(lab.clock.now() + offsetMs).toISOString(),
  };
}

/** Lifetimes (entra-mde2.md §6.9: Entra's own are UNCONFIRMED; these are the commonly cited values). */
export const LIFETIMES = {
  accessTokenS: 3600,
  refreshTokenS: 90 * 24 * 3600,
  /** refresh_token_expires_in of the MS-OAPXBC sample is 1209600-ish (14 days). */
  prtS: 14 * 24 * 3600,
  deviceCodeS: 900,
  /** Authorization codes: "about 10 minutes" (Microsoft identity platform, auth code flow). */
  authCodeS: 600,
  deviceCodeIntervalS: 5,
  mfaRequestS: 300,
  mfaIntervalS: 3,
  /** srv_challenge and DRS nonces: UNCONFIRMED; five minutes. */
  nonceS: 300,
  /** Leeway for the `iat` of a session-key request without a nonce. */
  requestSkewS: 600,
  deviceCertYears: 10,
} as const;
