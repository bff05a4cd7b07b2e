import { describe, expect, it } from 'vitest';
import { eventStream, uiHost } from '../helpers/ui-host.js';
import { until, untilHeld } from '../helpers/events.js';
import { LabStateSchema, RunBundleSchema, DbViewSchema, type LabEvent, type LabState } from '../../app/contract.js';

const host = uiHost({ seed: 'ui-api' });
const auth = () => ({ authorization: `Bearer ${host.ui.token}`, 'content-type': 'application/json' });

describe('the UI API', () => {
  it('refuses a request without the per-launch token', async () => {
    const res = await fetch(`${host.ui.url}/api/state`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'missing or wrong UI token' });
  });

  it('refuses a wrong token', async () => {
    expect((await fetch(`${host.ui.url}/api/state`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('serves the lab state in the contract\'s shape, with the parties\' URLs', async () => {
    const state = LabStateSchema.parse(await (await fetch(`${host.ui.url}/api/state`, { headers: auth() })).json());
    expect(state.parties.find((p) => p.id === 'mdm')?.url).toBe(host.session.current.mdm.url);
    expect(state.status).toBe('idle');
  });

  it('answers 400 with the validation error for a malformed command, and changes nothing', async () => {
    const before = host.session.state();
    const res = await fetch(`${host.ui.url}/api/clock/advance`, { method: 'POST', headers: auth(), body: JSON.stringify({ ms: -5 }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid request');
    expect(host.session.state().clock.offsetMs).toBe(before.clock.offsetMs);
  });

  it('answers 400 for an unknown scenario', async () => {
    const res = await fetch(`${host.ui.url}/api/run`, { method: 'POST', headers: auth(), body: JSON.stringify({ scenario: 'nope' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'unknown scenario "nope"' });
  });

  it('runs a scenario, streams its steps as server-sent events, and exports the run', async () => {
    const stream = eventStream(`${host.ui.url}/api/events?token=${host.ui.token}`);
    const { events } = stream;
    let lastEmitted: LabEvent | undefined;
    const onEvent = (e: LabEvent) => (lastEmitted = e);
    host.session.on('event', onEvent);
    const res = await fetch(`${host.ui.url}/api/run`, { method: 'POST', headers: auth(), body: JSON.stringify({ scenario: 'autopilot-eua' }) });
    expect(res.status).toBe(200);
    await host.session.settled();
    // The stream has caught up once the last event it delivered is the last one the session emitted.
    await until(() => lastEmitted !== undefined && JSON.stringify(events.at(-1)) === JSON.stringify(lastEmitted), stream.emitter, 'event');
    host.session.off('event', onEvent);
    await stream.close();
    const closed = events.filter((e) => e.type === 'step' && e.step.status === 'done');
    expect(closed.length).toBeGreaterThan(30);
    const last = [...events].reverse().find((e) => e.type === 'state');
    expect(last && last.type === 'state' && last.state.status).toBe('done');
    const bundle = RunBundleSchema.parse(await (await fetch(`${host.ui.url}/api/export`, { headers: auth() })).json());
    expect(bundle).toMatchObject({ scenario: 'autopilot-eua', prompts: 1, passed: true });
    const har = (await (await fetch(`${host.ui.url}/api/export.har`, { headers: auth() })).json()) as { log: { version: string; entries: unknown[] } };
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries.length).toBe(bundle.steps.filter((s) => s.kind === 'http' && s.response).length);
  });

  it("exports the run without the lab servers' private keys: every snapshot kept, no PEM private key in it", async () => {
    const res = await fetch(`${host.ui.url}/api/export?without_keys=1`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/-without-keys\.json"$/);
    const text = await res.text();
    const bundle = RunBundleSchema.parse(JSON.parse(text));
    const full = RunBundleSchema.parse(await (await fetch(`${host.ui.url}/api/export`, { headers: auth() })).json());
    expect(Object.keys(bundle.snapshots?.images ?? {}).length).toBe(Object.keys(full.snapshots?.images ?? {}).length);
    const pages = Object.values(bundle.snapshots?.pages ?? {}).map((b64) => Buffer.from(b64, 'base64'));
    expect(pages.some((p) => p.includes('PRIVATE KEY-----'))).toBe(false);
    expect(Object.values(full.snapshots?.pages ?? {}).some((b64) => Buffer.from(b64, 'base64').includes('PRIVATE KEY-----'))).toBe(true);
  });

  it('shows every party\'s rows as they were after a given step', async () => {
    const head = host.session.state().head;
    const view = DbViewSchema.parse(await (await fetch(`${host.ui.url}/api/db?step=${head}`, { headers: auth() })).json());
    expect(view.parties.mdm?.mdm_windows_enrollments?.length).toBe(1);
    expect(view.parties.mdm?.lab_wstep_identity).toBeUndefined();
    const start = DbViewSchema.parse(await (await fetch(`${host.ui.url}/api/db?step=-1`, { headers: auth() })).json());
    expect(start.parties.mdm?.mdm_windows_enrollments).toEqual([]);
  });

  it('a run may ask for its own seed, which pins the lab clock', async () => {
    const res = await fetch(`${host.ui.url}/api/run`, { method: 'POST', headers: auth(), body: JSON.stringify({ scenario: 'programmatic', seed: 'ui-seed-7' }) });
    expect(res.status).toBe(200);
    await host.session.settled();
    expect(host.session.bundle().seed).toBe('ui-seed-7');
    expect(host.session.state().clock.pinned).toBe(true);
  });

  it('Reset while a step waits at the gate answers with the fresh lab and keeps the breakpoints; Clear removes them', async () => {
    const put = await fetch(`${host.ui.url}/api/breakpoints`, { method: 'PUT', headers: auth(), body: JSON.stringify({ breakpoints: [{ id: 'bp-orbit', party: 'orbit' }] }) });
    expect(put.status).toBe(200);
    await fetch(`${host.ui.url}/api/run`, { method: 'POST', headers: auth(), body: JSON.stringify({ scenario: 'autopilot-eua' }) });
    const held = await untilHeld(host.session.lab.gate);
    expect(held.from).toBe('orbit');
    const before = host.session.state().runId;

    const res = await fetch(`${host.ui.url}/api/control`, { method: 'POST', headers: auth(), body: JSON.stringify({ action: 'reset' }) });
    expect(res.status).toBe(200);
    const { ok, state } = (await res.json()) as { ok: boolean; state: LabState };
    expect(ok).toBe(true);
    expect(state).toMatchObject({ status: 'idle', stepCount: 0, error: null, breakpoints: [{ id: 'bp-orbit', party: 'orbit' }] });
    expect(state.runId).not.toBe(before);

    const cleared = LabStateSchema.parse(await (await fetch(`${host.ui.url}/api/breakpoints/clear`, { method: 'POST', headers: { authorization: `Bearer ${host.ui.token}` } })).json());
    expect(cleared.breakpoints).toEqual([]);
  });
});
