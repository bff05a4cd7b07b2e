import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../app/host/session.js';
import { runScenarios } from '../../app/host/headless.js';
import { RunBundleSchema, type LabEvent, type RunBundle } from '../../app/contract.js';

let bundle: RunBundle;
let session: Session;

beforeAll(async () => {
  // Through JSON, as a file on disk would be.
  bundle = RunBundleSchema.parse(JSON.parse(JSON.stringify((await runScenarios(['autopilot-eua'], { seed: 'open' })).runs[0]!.bundle)));
  session = await Session.start();
});
afterAll(async () => session.close());

describe('opening a saved run', () => {
  it('shows the saved steps and outcome instead of the live lab', () => {
    session.open(bundle);
    const state = session.state();
    expect(state).toMatchObject({ source: 'bundle', scenario: 'autopilot-eua', prompts: 1, status: 'done', stepCount: bundle.steps.length, cursor: bundle.steps.length - 1 });
    expect(session.steps().map((s) => s.title)).toEqual(bundle.steps.map((s) => s.title));
  });

  it('has the DB tab: every party\'s rows after any step, from the bundle\'s snapshots', () => {
    const enrollStep = bundle.steps.findIndex((s) => s.changes.some((c) => c.table === 'mdm_windows_enrollments' && c.op === 'insert'));
    expect(session.dbView(enrollStep - 1).parties.mdm?.mdm_windows_enrollments).toEqual([]);
    expect(session.dbView(enrollStep).parties.mdm?.mdm_windows_enrollments).toHaveLength(1);
    expect(session.dbView(bundle.steps.length - 1).parties.mdm?.host_mdm_idp_accounts).toHaveLength(1);
  });

  it('Back and Step move through the saved history', async () => {
    const head = bundle.steps.length - 1;
    expect(await session.control('back')).toBe(true);
    expect(session.state().cursor).toBe(head - 1);
    expect(await session.control('step')).toBe(true);
    expect(session.state().cursor).toBe(head);
    expect(await session.control('step')).toBe(false);
  });

  it('closing it brings the live run back as it was, and the live steps are not mixed into the saved timeline', async () => {
    await session.reset();
    await session.run('autopilot-eua', {}, false);
    const world = session.current;
    session.open(bundle);
    const shown: LabEvent[] = [];
    session.on('event', (e) => shown.push(e));
    await session.settled();
    expect(session.state()).toMatchObject({ source: 'bundle', stepCount: bundle.steps.length });
    expect(shown.filter((e) => e.type === 'step')).toEqual([]);

    session.closeSaved();
    expect(session.current).toBe(world);
    expect(session.state()).toMatchObject({ source: 'live', scenario: 'autopilot-eua', status: 'done', prompts: 1 });
    const resent = shown.filter((e) => e.type === 'step').map((e) => e.step.id);
    expect(resent).toEqual(session.steps().map((s) => s.id));
    expect(shown.find((e) => e.type === 'reset')?.state.source).toBe('live');
  });

  it('Reset returns to the live lab', async () => {
    await session.reset();
    expect(session.state()).toMatchObject({ source: 'live', stepCount: 0, status: 'idle' });
  });
});
