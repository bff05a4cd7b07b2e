import { describe, expect, it } from 'vitest';
import { CompareResultSchema, type RunBundle, type Step } from '../../../../app/contract.js';
import { compareRuns, formatComparison, gist } from '../../../../app/compare/compare.js';
import { recordedStep } from '../../../helpers/step.js';

const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJFVUFUb2tlbiJ9.WvhKK2w41uGd4DN1tPr28VwwKD3HdnYRogvsVAjwCvqB';
const base = { observedBy: 'lab' as const, startedAt: 0, durationMs: 1, tokens: [], changes: [], status: 'done' as const };

/** The orbit part of autopilot-eua (A) and autopilot-no-eua (B), with a port and a date that differ per run. */
function orbitRun(eua: boolean, port: number): Step[] {
  let i = 0;
  const json = (body: unknown) => JSON.stringify(body);
  const res = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json', date: `Tue, 01 Dec 2026 20:58:0${port % 10} GMT` }, body: json(body) });
  const enroll = (withToken: boolean, status: number, title: string): Step =>
    recordedStep({
      ...base, id: `s${i}`, index: i++, kind: 'http', from: 'orbit', to: 'mdm', title, status: status < 400 ? 'done' : 'error',
      request: { method: 'POST', url: `http://127.0.0.1:${port}/api/fleet/orbit/enroll`, headers: { 'content-type': 'application/json' }, body: json({ enroll_secret: 'i0ya/KB5x2mRXV+2OJVF8tvnk333smm8', hostname: 'DESKTOP-CS4ISV6', ...(withToken && { eua_token: JWT }) }) },
      response: status === 200 ? res(200, { orbit_node_key: `tx4rXJfxAnXjK7rXpsfxgmHs2fg${port}` }) : res(401, { message: 'END_USER_AUTH_REQUIRED' }),
      changes: status === 200 ? [{ party: 'mdm', table: 'hosts', op: 'insert', before: null, after: { id: 1, created_at: `2026-01-1${port % 10}T09:00:00.000Z` } }] : [],
    });
  const local = (catalogId: Step['catalogId'], title: string, extra: Partial<Step> = {}): Step => recordedStep({ ...base, id: `s${i}`, index: i++, kind: 'local', catalogId, from: 'orbit', to: 'orbit', title, ...extra });
  return eua
    ? [local('orbit.start', 'orbit starts'), enroll(true, 200, 'orbit enroll with eua_token'), local('orbit.keep-node-key', 'keep node key')]
    : [local('orbit.start', 'orbit starts'), enroll(false, 401, 'orbit enroll'), local('orbit.sso-prompt', 'SSO page', { prompt: { kind: 'sso', count: 2, text: 'sign in' } }), enroll(false, 200, 'orbit enroll (retry 1)'), local('orbit.keep-node-key', 'keep node key')];
}

const bundle = (scenario: string, steps: Step[], prompts: number, seed: string | null = null): RunBundle => ({ format: 'enrollscope-run/1', scenario, seed, fleet: 'current', options: {}, createdAt: '', prompts, passed: true, expectations: [], steps });

describe('compareRuns', () => {
  const a = bundle('autopilot-eua', orbitRun(true, 34755), 1, 's1');
  const b = bundle('autopilot-no-eua', orbitRun(false, 40749), 2, 's1');
  const c = compareRuns(a, b);

  it('pairs A\'s accepted orbit enroll with B\'s refused one, and says what differs in the order it happened', () => {
    expect(CompareResultSchema.parse(c)).toEqual(c);
    expect(c.rows.map((r) => [r.kind, r.a, r.b, r.catalogId])).toEqual([
      ['same', 0, 0, 'orbit.start'],
      ['changed', 1, 1, 'orbit.enroll'],
      ['only-b', null, 2, 'orbit.sso-prompt'],
      ['only-b', null, 3, 'orbit.enroll'],
      ['same', 2, 4, 'orbit.keep-node-key'],
    ]);
    const enroll = c.rows[1]!;
    expect(enroll.differences).toEqual([
      'request body: − "eua_token": "<jwt>"',
      'status 200 → 401',
      'error — → END_USER_AUTH_REQUIRED',
      'response body: − "orbit_node_key": "<opaque>"',
      'response body: + "message": "END_USER_AUTH_REQUIRED"',
      'DB mdm.hosts insert only in A',
    ]);
    expect(enroll.pair!.request!.body.lines.filter((l) => l.op === 'removed')).toEqual([{ op: 'removed', a: `  "eua_token": "${JWT}"` }]);
    // The port, the date and the minted node key differ too, but are not what makes the pair differ.
    expect(enroll.pair!.request!.headers).toEqual([]);
    expect(enroll.pair!.response!.headers.find((h) => h.name === 'date')).toMatchObject({ volatile: true });
    expect(c.summary).toEqual({ same: 2, changed: 1, onlyA: 0, onlyB: 2 });
  });

  it('the first divergence is the first pair that is not the same, with its first differing line', () => {
    expect(c.firstDivergence).toEqual({ row: 1, kind: 'changed', catalogId: 'orbit.enroll', a: 1, b: 1, line: 'request body: − "eua_token": "<jwt>"' });
    const shorter = compareRuns(bundle('x', orbitRun(false, 1).slice(0, 1), 1), b);
    expect(shorter.firstDivergence).toEqual({ row: 1, kind: 'only-b', catalogId: 'orbit.enroll', a: null, b: 1, line: 'only in B: orbit enroll' });
  });

  it('two runs of one scenario that differ only in minted values are the same, with no divergence', () => {
    const again = compareRuns(a, bundle('autopilot-eua', orbitRun(true, 41111), 1, 's2'));
    expect(again.rows.every((r) => r.kind === 'same')).toBe(true);
    expect(again.firstDivergence).toBeNull();
    expect(again.rows[1]!.pair!.response!.body.volatile).toBe(1);
  });

  it('prints the runs, the first divergence and one status line per pair for a terminal', () => {
    const text = formatComparison(c, a, b).split('\n');
    expect(text[0]).toBe('A: autopilot-eua  Fleet current  seed s1  3 steps, 1 prompt(s), passed');
    expect(text[1]).toBe('B: autopilot-no-eua  Fleet current  seed s1  5 steps, 2 prompt(s), passed');
    expect(text[2]).toBe('2 same, 1 changed, 0 only in A, 2 only in B');
    expect(text[3]).toBe('first divergence: A2 B2 orbit.enroll: request body: − "eua_token": "<jwt>"');
    expect(text).toContain(`~ A2 B2     changed ${'orbit.enroll'.padEnd(30)} orbit → mdm  orbit enroll with eua_token`);
    expect(text).toContain(`+ - B4      only-b  ${'orbit.enroll'.padEnd(30)} orbit → mdm  orbit enroll (retry 1)`);
    expect(text).toContain('      status 200 → 401');
  });
});

describe('gist', () => {
  it('masks a long line and starts it a little before where the two sides part', () => {
    const a = `<CommandLine>/quiet FLEET_URL="http://127.0.0.1:34755" FLEET_SECRET="i0ya/KB5x2mRXV+2OJVF8tvnk333smm8" ENABLE_SCRIPTS="True" EUA_TOKEN="${JWT}"</CommandLine>`;
    const b = '<CommandLine>/quiet FLEET_URL="http://127.0.0.1:40749" FLEET_SECRET="i0ya/KB5x2mRXV+2OJVF8tvnk333smm8" ENABLE_SCRIPTS="True"</CommandLine>';
    expect(gist(a, b, 60)).toBe('…aque>" ENABLE_SCRIPTS="True" EUA_TOKEN="<jwt>"</CommandLine>');
    expect(gist(b, a, 60)).toBe('… FLEET_SECRET="<opaque>" ENABLE_SCRIPTS="True"</CommandLine>');
    expect(gist('  short  ')).toBe('short');
  });
});
