import { describe, expect, it } from 'vitest';
import type { DbView, LabState } from '../../../../app/contract';
import { ApiCallError } from '../../../../renderer/api/client';
import { createLabStore } from '../../../../renderer/store';
import { createActions } from '../../../../renderer/store/actions';
import { fakeHost } from '../../../helpers/renderer/fake-host';

const lab = (extra: Partial<LabState> = {}): LabState => ({
  runId: 'run-1', scenario: null, options: {}, status: 'idle', mode: 'run', waitingStepId: null, cursor: -1, head: -1, stepCount: 0,
  clock: { now: 1_700_000_000_000, offsetMs: 0, pinned: true }, prompts: 0, breakpoints: [], parties: [], expectations: [], error: null, source: 'live', ...extra, seed: extra.seed ?? null,
});
const db = (stepIndex: number): DbView => ({ stepIndex, parties: { mdm: { hosts: [{ id: 1 }] } } });

describe('actions on a fresh store', () => {
  it('advances the clock and adopts the state the host answers', async () => {
    const host = fakeHost(() => ({ json: lab({ clock: { now: 1_700_003_600_000, offsetMs: 3_600_000, pinned: true } }) }));
    const store = createLabStore();
    await createActions(store, host.client).advanceClock(3_600_000);
    expect(host.calls).toEqual([{ method: 'POST', path: '/api/clock/advance', body: { ms: 3_600_000 } }]);
    expect(store.getState().lab?.clock.offsetMs).toBe(3_600_000);
    expect(store.getState().clock).toMatchObject({ offsetMs: 3_600_000 });
    expect(store.getState().apiError).toBeNull();
  });

  it('fetches the DB after a step once per run and step, and keeps a refusal to show', async () => {
    const host = fakeHost((_m, path) => (path.endsWith('step=9') ? { status: 404, json: { error: 'no snapshot after step 9' } } : { json: db(Number(new URL(path, 'http://x').searchParams.get('step'))) }));
    const store = createLabStore();
    store.getState().setLab(lab());
    const actions = createActions(store, host.client);
    await Promise.all([actions.loadDbView(2), actions.loadDbView(2)]);
    await actions.loadDbView(2);
    expect(host.calls.map((c) => c.path)).toEqual(['/api/db?step=2']);
    expect(store.getState().dbViews.get('run-1:2')).toEqual({ status: 'ready', view: db(2) });

    await actions.loadDbView(9);
    expect(store.getState().dbViews.get('run-1:9')).toMatchObject({ status: 'error', error: expect.stringContaining('no snapshot after step 9') });

    // Another run: its own snapshots.
    store.getState().setLab(lab({ runId: 'run-2' }));
    await actions.loadDbView(2);
    expect(host.calls.map((c) => c.path)).toEqual(['/api/db?step=2', '/api/db?step=9', '/api/db?step=2']);
  });

  it('a reply that does not match the contract is an API error, shown in the top bar', async () => {
    const host = fakeHost(() => ({ json: { runId: 'run-1', status: 'sideways' } }));
    const store = createLabStore();
    await createActions(store, host.client).advanceClock(1000);
    expect(store.getState().lab).toBeNull();
    expect(store.getState().apiError).toMatch(/^POST \/api\/clock\/advance: 200 the reply does not match the contract/);
    await expect(host.client.state()).rejects.toBeInstanceOf(ApiCallError);
  });

  it('Back to the live lab closes the saved run (no Reset); Clear removes the breakpoints', async () => {
    const host = fakeHost(() => ({ json: lab({ source: 'live', seq: 3 }) }));
    const store = createLabStore();
    store.getState().setLab(lab({ source: 'bundle', seq: 1 }));
    const actions = createActions(store, host.client);
    await actions.backToLive();
    await actions.clearBreakpoints();
    expect(host.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/open/close', 'POST /api/breakpoints/clear']);
    expect(store.getState().lab?.source).toBe('live');
  });

  it('shows the lab starting while a Run is under way, and ignores the keys meanwhile', async () => {
    let answer: (() => void) | undefined;
    const answered = new Promise<void>((r) => (answer = r));
    const calls: string[] = [];
    const store = createLabStore();
    store.getState().setLab(lab());
    const client = { ...fakeHost(() => ({ json: lab() })).client, run: async () => (calls.push('run'), await answered, lab({ status: 'waiting', seq: 2 })) };
    const actions = createActions(store, client);
    const running = actions.step();
    expect(store.getState().starting).toBe(true);
    await actions.step();
    await actions.reset();
    answer!();
    await running;
    expect(calls).toEqual(['run']);
    expect(store.getState().starting).toBe(false);
    expect(store.getState().lab?.status).toBe('waiting');
  });
});
