import { describe, expect, it } from 'vitest';
import { listScenarios } from '../../emulators/scenarios/index.js';
import { createServer } from 'node:net';
import { runScenarios } from '../../app/host/headless.js';
import { FLEET_PROFILE_NAMES } from '../../emulators/mdm/profiles/profiles.js';
import { StepSchema } from '../../emulators/lab/step.js';
import { isStepKindId, stepKind } from '../../emulators/protocols/steps.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

// The "`run all` passes under every profile": each scenario's expectations follow the Fleet it runs against.
describe.each(FLEET_PROFILE_NAMES)('under Fleet profile %s, every scenario in the list passes its own expectations', (fleet) => {
  it.each(listScenarios().map((s) => s.name))('%s', async (name) => {
    const report = await runScenarios([name], { seed: `scenario-${name}`, fleet });
    const run = report.runs[0]!;
    expect(run.failures).toEqual([]);
    expect(run.error).toBeNull();
    expect(run.passed).toBe(true);
    expect(run.bundle.fleet).toBe(fleet);
  });
});

describe('the step catalog covers every step of every scenario', () => {
  it.each(listScenarios().map((s) => s.name))('%s: each step has a catalog id, none falls outside the catalog', async (name) => {
    const report = await runScenarios([name], { seed: `catalog-${name}` });
    const steps = report.runs[0]!.bundle.steps;
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      expect(StepSchema.safeParse(step).success, `step ${step.index + 1} "${step.title}" is not a valid step`).toBe(true);
      expect(isStepKindId(step.catalogId), `step ${step.index + 1} "${step.title}" has no catalog id`).toBe(true);
      expect(step.catalogId, `step ${step.index + 1} "${step.title}" is not a protocol step of the catalog`).not.toBe('http.other');
      // An HTTP step's catalog entry says which server answers it, and that is where it went.
      const http = stepKind(step.catalogId).http;
      if (step.kind === 'http' && http) expect(step.to).toBe(http.server);
    }
  });
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
