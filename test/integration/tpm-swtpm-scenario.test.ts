import { describe, expect, it } from 'vitest';
import { runScenarios } from '../../app/host/headless.js';
import { StepSchema } from '../../emulators/lab/step.js';
import { findSwtpm } from '../../emulators/device/tpm/swtpm.js';
import { listScenarios } from '../../emulators/scenarios/index.js';

describe('autopilot-eua on swtpm (--tpm swtpm)', () => {
  it('passes with every device key in swtpm and every TPM command a TPM2_* step', async () => {
    if (!findSwtpm()) throw new Error('swtpm is not installed: run .ci/run (or apt-get install swtpm swtpm-tools)');
    const report = await runScenarios(['autopilot-eua'], { seed: null, tpm: 'swtpm' });
    const run = report.runs[0]!;
    expect(run.failures).toEqual([]);
    expect(run.passed).toBe(true);
    const steps = run.bundle.steps;
    for (const s of steps) expect(StepSchema.safeParse(s).success, s.title).toBe(true);
    const backend = steps.find((s) => s.catalogId === 'tpm.backend')!;
    expect(backend.detail).toMatchObject({ backend: 'swtpm', choice: 'swtpm' });
    const tpm2 = steps.filter((s) => s.catalogId.startsWith('tpm2.'));
    expect(tpm2.every((s) => s.title.startsWith('TPM2_') && s.from === 'device' && s.to === 'tpm' && s.status === 'done')).toBe(true);
    const ids = new Set(tpm2.map((s) => s.catalogId));
    for (const id of ['tpm2.startup', 'tpm2.create-primary', 'tpm2.create', 'tpm2.load', 'tpm2.sign', 'tpm2.rsa-decrypt', 'tpm2.hmac', 'tpm2.context-save', 'tpm2.context-load', 'tpm2.flush-context', 'tpm2.read-public', 'tpm2.get-random']) expect(ids, id).toContain(id);
    // The PRT session key is used only through TPM2_HMAC (its KDF): never unsealed out of the TPM.
    expect(ids.has('tpm2.unseal')).toBe(false);
    const hmac = tpm2.find((s) => s.catalogId === 'tpm2.hmac')!;
    expect(hmac.detail).toMatchObject({ meaning: { label: 'AzureAD-SecureConversation' }, response: { parameters: { outHMAC: '(32 bytes, not shown)' } } });
    const sign = tpm2.find((s) => s.catalogId === 'tpm2.sign')!;
    expect(sign.detail).toMatchObject({ commandCode: '0x0000015d (TPM_CC_Sign)', response: { responseCode: { name: 'TPM_RC_SUCCESS' } } });
    expect(typeof sign.detail!.commandBytes).toBe('string');
    // The device DB view holds TPM2B blobs in swtpm_objects, never the in-process TPM's sealed keys.
    const tables = new Set(steps.flatMap((s) => s.changes.filter((c) => c.party === 'tpm').map((c) => c.table)));
    expect([...tables]).toEqual(['swtpm_objects']);
  });
});

describe('every scenario on swtpm (issue: every scenario passes with --tpm swtpm and with --tpm soft)', () => {
  // The soft TPM runs every scenario under every Fleet profile in host-scenarios*.test.ts; here the same scenarios
  // on swtpm, unseeded as `run --tpm auto` picks it, each device its own swtpm process.
  const names = listScenarios().map((s) => s.name);
  it.each(names)('%s passes on swtpm', async (name) => {
    const report = await runScenarios([name], { seed: null, tpm: 'swtpm' });
    const run = report.runs[0]!;
    expect({ failures: run.failures, error: run.error }).toEqual({ failures: [], error: null });
    expect(run.passed).toBe(true);
    expect(run.bundle.steps.find((s) => s.catalogId === 'tpm.backend')?.detail).toMatchObject({ backend: 'swtpm' });
  }, 120_000);
});
