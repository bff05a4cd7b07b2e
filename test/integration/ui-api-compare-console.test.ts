import { describe, expect, it } from 'vitest';
import { uiHost } from '../helpers/ui-host.js';
import type { RunBundle } from '../../app/contract.js';

/** What the UI's compare view and console rely on: a run's bundle by id, and settings that outlive a Run. */
const host = uiHost({ seed: 'compare-support' });
const call = host.call;

describe('UI API for the compare view and the console', () => {
  it('GET /api/runs/:runId returns a finished run\'s bundle with its steps, without snapshots', async () => {
    await host.session.run('autopilot-eua', {}, false);
    await host.session.settled();
    const [run] = host.session.runs();
    const r = await call('GET', `/api/runs/${run!.runId}`);
    expect(r.status).toBe(200);
    const bundle = r.body as RunBundle;
    expect(bundle.scenario).toBe('autopilot-eua');
    expect(bundle.steps).toHaveLength(run!.steps);
    expect(bundle.snapshots).toBeUndefined();
  });

  it('GET /api/runs/:runId answers 404 for a run the session does not have', async () => {
    const r = await call('GET', '/api/runs/run-999');
    expect(r.status).toBe(404);
  });

  it('a setting flipped in the console holds in the next run\'s world', async () => {
    expect((await call('PUT', '/api/mdm/settings', { endUserAuthEnabled: false })).status).toBe(200);
    await host.session.run('autopilot-eua', {}, false);
    await host.session.settled();
    expect(((await call('GET', '/api/mdm/settings')).body as { endUserAuthEnabled: boolean }).endUserAuthEnabled).toBe(false);
  });
});
