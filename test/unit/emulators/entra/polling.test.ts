import { describe, it, expect, afterAll } from 'vitest';
import { tempLab } from '../../../helpers/lab.js';
import { createEntraContext } from '../../../../emulators/entra/context.js';
import { pollDecision, type PendingRow } from '../../../../emulators/entra/polling.js';
import { AADSTS } from '../../../../emulators/entra/errors.js';
import { ENTRA_SCHEMA } from '../../../../emulators/entra/schema.js';

const t = tempLab({ seed: 'polling' });
afterAll(() => t.dispose());
const ctx = createEntraContext(t.lab, t.lab.openStore('entra', ENTRA_SCHEMA));
const row = (over: Partial<PendingRow> = {}): PendingRow => ({ status: 'pending', poll_interval: 5, expires_at: ctx.iso(60_000), last_poll_at: null, ...over });
const errorOf = (o: ReturnType<typeof pollDecision>) => (o.kind === 'error' ? o.error.error : 'approved');

describe('device-code / MFA polling decision (RFC 8628 §3.5)', () => {
  it('first poll of a pending request: authorization_pending, recorded', () => {
    const o = pollDecision(ctx, row(), AADSTS.deviceCodeDeclined, AADSTS.codeExpired);
    expect(errorOf(o)).toBe('authorization_pending');
    expect(o.write).not.toBeNull();
  });

  it('a poll within the interval: slow_down, interval + 5', () => {
    const o = pollDecision(ctx, row({ last_poll_at: ctx.iso(-1000) }), AADSTS.deviceCodeDeclined, AADSTS.codeExpired);
    expect(errorOf(o)).toBe('slow_down');
    expect(o.write?.poll_interval).toBe(10);
  });

  it('an approved request polled after the interval: approved', () => {
    expect(pollDecision(ctx, row({ status: 'approved', last_poll_at: ctx.iso(-5000) }), AADSTS.deviceCodeDeclined, AADSTS.codeExpired).kind).toBe('approved');
  });

  it('denied, expired and redeemed answer without a write', () => {
    for (const [r, err] of [
      [row({ status: 'denied' }), 'authorization_declined'],
      [row({ expires_at: ctx.iso(-1) }), 'expired_token'],
      [row({ status: 'redeemed' }), 'invalid_grant'],
    ] as const) {
      const o = pollDecision(ctx, r, AADSTS.deviceCodeDeclined, AADSTS.codeExpired);
      expect(errorOf(o)).toBe(err);
      expect(o.write).toBeNull();
    }
  });
});
