import { describe, expect, it } from 'vitest';
import { uiHost } from '../helpers/ui-host.js';
import { CompareProfilesReplySchema, FleetProfileInfoSchema, LabStateSchema } from '../../app/contract.js';

/** The Fleet menu and "profile A vs B" of the UI, through the UI API. */
const host = uiHost({ seed: 'fleet-profiles-api' });
const call = host.call;

describe('UI API: Fleet profiles', () => {
  it('GET /api/fleet-profiles lists the profiles, oldest first, each with every switch on or off', async () => {
    const r = await call('GET', '/api/fleet-profiles');
    expect(r.status).toBe(200);
    const infos = FleetProfileInfoSchema.array().parse(r.body);
    expect(infos.map((p) => p.name)).toEqual(['eua-first', 'eua-link-fix', 'current']);
    expect(infos[0]!.switches.every((s) => !s.on)).toBe(true);
    expect(infos[2]!.switches.every((s) => s.on)).toBe(true);
  });

  it('POST /api/run with fleet starts the world as that Fleet; the state and the bundle say so, and Reset keeps it', async () => {
    const r = await call('POST', '/api/run', { scenario: 'autopilot-eua', fleet: 'eua-link-fix' });
    expect(r.status).toBe(200);
    await host.session.settled();
    expect(LabStateSchema.parse((await call('GET', '/api/state')).body).fleet).toBe('eua-link-fix');
    expect(host.session.current.mdm.ctx.settings().fleetProfile).toBe('eua-link-fix');
    await host.session.reset();
    expect(host.session.state().fleet).toBe('eua-link-fix');
  });

  it('POST /api/run with an unknown profile is a 400 and starts nothing', async () => {
    const before = host.session.state().runId;
    const r = await call('POST', '/api/run', { scenario: 'autopilot-eua', fleet: 'fleet-4.60' });
    expect(r.status).toBe(400);
    expect(host.session.state().runId).toBe(before);
  });

  it('POST /api/compare/profiles runs the scenario under A then B and answers both run ids and their comparison', async () => {
    const runsBefore = host.session.runs().length;
    const r = await call('POST', '/api/compare/profiles', { scenario: 'autopilot-eua', a: 'eua-first', b: 'current' });
    expect(r.status).toBe(200);
    const reply = CompareProfilesReplySchema.parse(r.body);
    expect(reply.result.a.fleet).toBe('eua-first');
    expect(reply.result.b.fleet).toBe('current');
    const runs = host.session.runs();
    expect(runs).toHaveLength(runsBefore + 2);
    expect(runs.slice(-2).map((x) => [x.runId, x.fleet])).toEqual([
      [reply.a, 'eua-first'],
      [reply.b, 'current'],
    ]);
  });

  it('POST /api/compare/profiles with an unknown scenario is a 400 and runs nothing', async () => {
    const runsBefore = host.session.runs().length;
    const r = await call('POST', '/api/compare/profiles', { scenario: 'no-such-scenario', a: 'eua-first', b: 'current' });
    expect(r.status).toBe(400);
    expect(host.session.runs()).toHaveLength(runsBefore);
  });
});

describe('a scenario told under an older Fleet', () => {
  it('eua-first-device-mapping-null runs under eua-first unless the run names a profile, and the next run is the session\'s again', async () => {
    await host.session.run('eua-first-device-mapping-null', {}, false);
    await host.session.settled();
    expect(host.session.state().fleet).toBe('eua-first');
    expect(host.session.state().expectations.every((e) => e.passed)).toBe(true);
    await host.session.run('eua-first-device-mapping-null', {}, false, undefined, undefined, 'eua-link-fix');
    await host.session.settled();
    expect(host.session.state().fleet).toBe('eua-link-fix');
    await host.session.run('autopilot-eua', {}, false);
    await host.session.settled();
    expect(host.session.state().fleet).toBe('eua-link-fix');
  });

  it('GET /api/scenarios names the profile such a scenario runs under', async () => {
    const list = (await call('GET', '/api/scenarios')).body as unknown as { name: string; fleet?: string }[];
    expect(list.find((s) => s.name === 'eua-first-device-mapping-null')?.fleet).toBe('eua-first');
    expect(list.find((s) => s.name === 'autopilot-eua')?.fleet).toBeUndefined();
  });
});
