import type { EntraContext } from './context.js';
import { AADSTS, type OAuthError } from './errors.js';

/**
 * The polling life cycle device codes (RFC 8628 §3.4–§3.5) and the lab's MFA requests share: a client polls
 * every `interval` seconds until the user approves or denies in the lab, or the request expires. Clients wait
 * by lab time (a scenario advances the lab clock by `interval`), so a pinned clock never stalls a run.
 */
export interface PendingRow {
  status: 'pending' | 'approved' | 'denied' | 'redeemed';
  poll_interval: number;
  expires_at: string;
  last_poll_at: string | null;
}

export type PollOutcome =
  | { kind: 'error'; error: OAuthError; write: null }
  /** The poll itself is recorded (last_poll_at, a longer interval after slow_down) and the client answered `error`. */
  | { kind: 'error'; error: OAuthError; write: { last_poll_at: string; poll_interval: number } }
  | { kind: 'approved'; write: { last_poll_at: string; poll_interval: number } };

export function pollDecision(ctx: EntraContext, row: PendingRow, onDenied: () => OAuthError, onExpired: () => OAuthError): PollOutcome {
  const now = ctx.lab.clock.now();
  if (row.status === 'redeemed') return { kind: 'error', error: AADSTS.codeRedeemed(), write: null };
  if (row.status === 'denied') return { kind: 'error', error: onDenied(), write: null };
  if (now > Date.parse(row.expires_at)) return { kind: 'error', error: onExpired(), write: null };
  const last_poll_at = ctx.iso();
  // RFC 8628 §3.5: polling faster than `interval` gets slow_down, and the interval grows by 5 s for good.
  if (row.last_poll_at !== null && now - Date.parse(row.last_poll_at) < row.poll_interval * 1000) {
    const poll_interval = row.poll_interval + 5;
    return { kind: 'error', error: AADSTS.slowDown(poll_interval), write: { last_poll_at, poll_interval } };
  }
  const write = { last_poll_at, poll_interval: row.poll_interval };
  if (row.status === 'pending') return { kind: 'error', error: AADSTS.authorizationPending(), write };
  return { kind: 'approved', write };
}
