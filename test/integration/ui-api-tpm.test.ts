import { describe, expect, it } from 'vitest';
import { uiHost } from '../helpers/ui-host.js';
import { findSwtpm } from '../../emulators/device/tpm/swtpm.js';
import { Session } from '../../app/host/session.js';
import type { LabState } from '../../app/contract.js';

const host = uiHost();

describe('the UI\'s TPM run option (POST /api/run with tpm, LabState.tpm)', () => {
  it('the state says the next run\'s TPM (soft at first) and the swtpm of this host', async () => {
    const state = (await host.call<LabState>('GET', '/api/state')).body;
    expect(state.tpm).toEqual({ choice: 'soft', swtpm: findSwtpm() ? expect.stringMatching(/version/i) : null });
  });

  it('an unknown backend is refused with 400 and the next run\'s TPM stays as it was', async () => {
    const before = (await host.call<LabState>('GET', '/api/state')).body;
    const r = await host.call<{ error: string }>('POST', '/api/run', { scenario: 'autopilot-eua', tpm: 'hardware' });
    expect(r.status).toBe(400);
    const after = (await host.call<LabState>('GET', '/api/state')).body;
    expect(after.runId).toBe(before.runId);
    expect(after.tpm!.choice).toBe('soft');
  });

  it('a run with tpm swtpm: its tpm.backend step says swtpm, its TPM2 commands are steps, and Reset keeps swtpm', async () => {
    if (!findSwtpm()) throw new Error('swtpm is not installed: run .ci/run (or apt-get install swtpm swtpm-tools)');
    expect((await host.call('POST', '/api/run', { scenario: 'autopilot-eua', tpm: 'swtpm' })).status).toBe(200);
    await host.session.settled();
    const steps = host.session.steps();
    expect(steps.find((s) => s.catalogId === 'tpm.backend')?.detail).toMatchObject({ backend: 'swtpm', choice: 'swtpm' });
    expect(steps.find((s) => s.catalogId === 'tpm2.startup')?.detail).toMatchObject({ commandCode: '0x00000144 (TPM_CC_Startup)', response: { responseCode: { name: 'TPM_RC_SUCCESS' } } });
    await host.call('POST', '/api/control', { action: 'reset' });
    expect((await host.call<LabState>('GET', '/api/state')).body.tpm!.choice).toBe('swtpm');
  }, 60_000);
});

describe('a host without swtpm', () => {
  it('says so in the state and refuses a run asking for swtpm before touching the world', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    let session: Session;
    try {
      session = await Session.start();
    } finally {
      process.env.PATH = path;
    }
    try {
      const before = session.state();
      expect(before.tpm).toEqual({ choice: 'soft', swtpm: null });
      await expect(session.run('autopilot-eua', {}, false, undefined, undefined, undefined, 'swtpm')).rejects.toThrow(/swtpm binary is not installed \(apt-get install swtpm swtpm-tools\)/);
      expect(session.state().runId).toBe(before.runId);
      expect(session.state().tpm!.choice).toBe('soft');
    } finally {
      await session.close();
    }
  });
});
