import { describe, expect, it } from 'vitest';
import { listScenarios } from '../../emulators/scenarios/index.js';
import { createServer } from 'node:net';
import { runScenarios } from '../../app/host/headless.js';
import { expectScenarioHolds } from '../helpers/scenario-run.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

// The "`run all` passes under every profile": each scenario's expectations follow the Fleet it runs against,
// and every step of every run is in the step catalog. The older profiles run in host-scenarios-eua-*.test.ts
// (a file each, so that they run side by side).
describe('under Fleet profile current, every scenario passes its own expectations and every step is in the catalog', () => {
  it.each(listScenarios().map((s) => s.name))('%s', (name) => expectScenarioHolds(name, 'current'));
});

describe('a seeded run is reproducible', () => {
  it('the same seed on the same ports gives byte-identical messages, tokens and rows', async () => {
    const ports = { mdm: await freePort(), entra: await freePort() };
    const view = (r: Awaited<ReturnType<typeof runScenarios>>) =>
      r.runs[0]!.bundle.steps.map((s) => ({ title: s.title, request: s.request?.body, response: s.response?.body, tokens: s.tokens.map((t) => t.raw), changes: s.changes }));
    const a = await runScenarios(['autopilot-eua'], { seed: 'repro', ports });
    const b = await runScenarios(['autopilot-eua'], { seed: 'repro', ports });
    expect(view(b)).toEqual(view(a));
  });

  it('a different seed gives different ids', async () => {
    const a = await runScenarios(['autopilot-eua'], { seed: 'repro-a' });
    const b = await runScenarios(['autopilot-eua'], { seed: 'repro-b' });
    const deviceIds = (r: Awaited<ReturnType<typeof runScenarios>>) => r.runs[0]!.bundle.steps.flatMap((s) => s.changes).find((c) => c.table === 'mdm_windows_enrollments')?.after?.mdm_device_id;
    expect(deviceIds(a)).not.toEqual(deviceIds(b));
  });
});

describe('the MDM token by PRT SSO (scenario option mdmToken=prt-sso)', () => {
  it('settings-app passes with the token from authorize: PRT SSO and the code redemption on the timeline, no broker exchange', async () => {
    const report = await runScenarios(['settings-app'], { seed: 'scenario-prt-sso', options: { mdmToken: 'prt-sso' } });
    const run = report.runs[0]!;
    expect(run.failures).toEqual([]);
    expect(run.passed).toBe(true);
    const ids = run.bundle.steps.map((s) => s.catalogId);
    expect(ids).toContain('entra.authorize.prt-sso');
    expect(ids).toContain('prt.sso.redeem-code');
    expect(ids).not.toContain('prt.exchange');
  });
});
