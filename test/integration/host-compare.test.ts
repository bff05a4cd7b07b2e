import { beforeAll, describe, expect, it } from 'vitest';
import { runScenarios } from '../../app/host/headless.js';
import { compareRuns } from '../../app/compare/compare.js';
import type { RunBundle } from '../../app/contract.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';

let eua: RunBundle;
let eua2: RunBundle;
let noEua: RunBundle;

beforeAll(async () => {
  const r = await runScenarios(['autopilot-eua', 'autopilot-no-eua'], { seed: 'compare' });
  eua = r.runs[0]!.bundle;
  noEua = r.runs[1]!.bundle;
  eua2 = (await runScenarios(['autopilot-eua'], { seed: 'compare-2' })).runs[0]!.bundle;
});

describe('comparing two runs', () => {
  it('two runs of the same scenario align step for step with nothing but volatile values differing', () => {
    const c = compareRuns(eua, eua2);
    expect(c.summary).toMatchObject({ onlyA: 0, onlyB: 0 });
    // Seeds differ: ids, keys, names, serials and times are new, and all of them are volatile.
    expect(c.summary).toMatchObject({ changed: 0, onlyA: 0, onlyB: 0 });
    expect(c.firstDivergence).toBeNull();
  });

  it('with and without EUA: A\'s accepted orbit enroll and B\'s refused one are one pair; B\'s SSO steps, prompt and retry are only in B', () => {
    const c = compareRuns(eua, noEua);
    expect(c.a.prompts).toBe(1);
    expect(c.b.prompts).toBe(2);
    const enrolls = c.rows.filter((r) => r.catalogId === 'orbit.enroll');
    expect(enrolls.map((r) => r.kind)).toEqual(['changed', 'only-b']);
    const [pair, retry] = enrolls;
    expect(eua.steps[pair!.a!]!.response?.status).toBe(200);
    expect(noEua.steps[pair!.b!]!.response?.status).toBe(401);
    expect(noEua.steps[pair!.b!]!.request?.url).toContain(MDM_PATHS.orbitEnroll);
    expect(pair!.differences).toContain('status 200 → 401');
    expect(pair!.pair!.request!.body.lines.filter((l) => l.op !== 'same' && l.op !== 'volatile').map((l) => l.a ?? l.b)).toEqual([expect.stringMatching(/^ {2}"eua_token": "eyJ/)]);
    expect(noEua.steps[retry!.b!]!.response?.status).toBe(200);
    const onlyB = c.rows.filter((r) => r.kind === 'only-b').map((r) => noEua.steps[r.b!]!);
    expect(onlyB.some((s) => s.prompt?.count === 2)).toBe(true);
    // Under current both runs show the ESP (switch windows-esp): the no-EUA run's enrollment is linked too, by its
    // DevDetail serial at orbit's retry (reverse-link-by-serial, #52614), so both are released.
    const esp = c.rows.filter((r) => r.catalogId === 'device.esp');
    expect(esp.length).toBeGreaterThan(0);
    expect(esp.every((r) => r.a !== null && r.b !== null)).toBe(true);
  });
});
