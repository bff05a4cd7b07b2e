import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { uiHost } from '../helpers/ui-host.js';
import type { LabState } from '../../app/contract.js';

const host = uiHost();

describe('the UI\'s HTTPS run option (POST /api/run with tls)', () => {
  it('a run with tls: every party on https, the state naming the lab CA file, and the run passes', async () => {
    const r = await host.call<LabState>('POST', '/api/run', { scenario: 'autopilot-eua', tls: true });
    expect(r.status).toBe(200);
    await host.session.settled();
    const state = (await host.call<LabState>('GET', '/api/state')).body;
    expect(state.status).toBe('done');
    expect(state.parties.filter((p) => p.url).map((p) => p.url)).toEqual([expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/), expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/)]);
    expect(new X509Certificate(readFileSync(state.caFile!)).ca).toBe(true);
    expect(host.session.steps().filter((s) => s.kind === 'http').every((s) => s.request!.url.startsWith('https://'))).toBe(true);
  }, 60_000);

  it('Reset keeps HTTPS with the same CA; a run with tls: false is plain HTTP again', async () => {
    const before = readFileSync((await host.call<LabState>('GET', '/api/state')).body.caFile!, 'utf8');
    await host.call('POST', '/api/control', { action: 'reset' });
    const afterReset = (await host.call<LabState>('GET', '/api/state')).body;
    expect(afterReset.parties.find((p) => p.id === 'entra')!.url).toMatch(/^https:/);
    expect(readFileSync(afterReset.caFile!, 'utf8')).toBe(before);
    await host.call('POST', '/api/run', { scenario: 'autopilot-eua', tls: false });
    await host.session.settled();
    const plain = (await host.call<LabState>('GET', '/api/state')).body;
    expect(plain.parties.find((p) => p.id === 'entra')!.url).toMatch(/^http:/);
    expect(plain.caFile).toBeUndefined();
  }, 60_000);
});
