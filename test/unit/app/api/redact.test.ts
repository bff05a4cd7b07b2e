import { describe, expect, it } from 'vitest';
import { redactBundle, REDACTED } from '../../../../app/api/redact.js';
import { StepSchema } from '../../../../emulators/lab/step.js';
import type { RunBundle } from '../../../../app/contract.js';
import { recordedStep } from '../../../helpers/step.js';

const jwt = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"upn":"alice@x","sub":"EUAToken"}').toString('base64url')}.${'s'.repeat(40)}`;
const base = { observedBy: 'lab' as const, status: 'done' as const, startedAt: 0, durationMs: 1, tokens: [], changes: [] };
const bundle = (steps: RunBundle['steps']): RunBundle => ({
  format: 'enrollscope-run/1', scenario: 'autopilot-eua', seed: '7', fleet: 'current', options: {}, createdAt: '2026-01-01T00:00:00Z', prompts: 1, passed: true, expectations: [], steps,
  snapshots: { pages: { a: 'AAAA' }, images: {} },
});

const signIn = recordedStep({
  ...base, id: 's1', index: 0, kind: 'http', from: 'device', to: 'entra', title: 'Sign-in',
  request: { method: 'POST', url: 'http://e/organizations/oauth2/v2.0/token', headers: { authorization: `Bearer ${jwt}` }, body: 'grant_type=password&username=alice%40x&password=Sup3r%26Secret' },
  response: { status: 200, headers: {}, body: JSON.stringify({ access_token: jwt, refresh_token: '0.AXYZrefresh' }) },
});
const install = recordedStep({
  ...base, id: 's2', index: 1, kind: 'local', catalogId: 'msi.install', from: 'device', to: 'device', title: 'msiexec',
  detail: { commandLine: '/quiet FLEET_URL="http://m" FLEET_SECRET="enroll-secret-123" EUA_TOKEN="x"', key: '-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----' },
  changes: [{ party: 'mdm', table: 'enroll_secrets', op: 'insert', before: null, after: { secret: 'enroll-secret-123', team_id: null } }],
});

const hostDelete = recordedStep({
  ...base, id: 's3', index: 2, kind: 'http', catalogId: 'fleet.host-delete', from: 'external', to: 'mdm', title: 'Admin: delete host 1 in Fleet',
  request: { method: 'DELETE', url: 'http://m/api/v1/fleet/hosts/1', headers: { authorization: 'Bearer q83vEjRWeJq8dFAKEadminTOKEN0123456789abc=' }, body: '' },
  response: { status: 200, headers: {}, body: '{}' },
});

describe('a bundle redacted for a bug report', () => {
  const out = redactBundle(bundle([signIn, install, hostDelete]));
  const text = JSON.stringify(out);

  it('replaces the password wherever it appears', () => {
    expect(text).not.toContain('Sup3r');
    expect(out.steps[0]!.request!.body).toContain(`password=${REDACTED}`);
  });

  it('replaces the enroll secret in the MSI command line and in the DB row', () => {
    expect(text).not.toContain('enroll-secret-123');
    expect(out.steps[1]!.changes[0]!.after!.secret).toBe(REDACTED);
  });

  it("replaces a secret the steps carry in an external Fleet's saved host views too", () => {
    const withViews = redactBundle({
      ...bundle([signIn, install]),
      fleetViews: [{ stepIndex: 1, fetched: { url: 'https://fleet.test', afterStep: 1 }, hosts: [{ id: 1, getHost: { host: { id: 1, note: 'enroll-secret-123' } }, listEntry: { id: 1 }, deviceMapping: { host_id: 1, device_mapping: [] }, activities: { activities: [] } }], activities: { activities: [] } }],
    });
    expect(JSON.stringify(withViews.fleetViews)).not.toContain('enroll-secret-123');
    expect(withViews.fleetViews![0]!.hosts[0]!.getHost).toEqual({ host: { id: 1, note: REDACTED } });
  });

  it('keeps a JWT readable but drops its signature', () => {
    expect(text).not.toContain('s'.repeat(40));
    expect(out.steps[0]!.request!.headers.authorization).toMatch(/^Bearer eyJ[\w-]+\.eyJ[\w-]+\.redacted$/);
  });

  it("replaces an admin step's opaque Bearer API token", () => {
    expect(text).not.toContain('FAKEadminTOKEN');
    expect(out.steps[2]!.request!.headers.authorization).toBe(`Bearer ${REDACTED}`);
  });

  it('replaces PEM private keys and refresh tokens', () => {
    expect(text).not.toContain('MIIEv');
    expect(text).not.toContain('AXYZrefresh');
  });

  it('leaves out the DB snapshots (raw SQLite pages cannot be redacted cell by cell) and keeps every step valid', () => {
    expect(out.snapshots).toBeUndefined();
    for (const s of out.steps) expect(StepSchema.safeParse(s).success).toBe(true);
  });
});
