import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../app/host/session.js';
import { startUiServer, type UiServer } from '../../app/api/server.js';
import type { RunBundle } from '../../app/contract.js';

/** What the UI's compare view and console rely on: a run's bundle by id, and settings that outlive a Run. */
let session: Session;
let ui: UiServer;
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${ui.url}${path}`, { method, headers: { authorization: `Bearer ${ui.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as unknown };
};

beforeAll(async () => {
  session = await Session.start({ seed: 'compare-support' });
  ui = await startUiServer({ session });
});
afterAll(async () => {
  await ui.close();
  await session.close();
});

describe('UI API for the compare view and the console', () => {
  it('GET /api/runs/:runId returns a finished run\'s bundle with its steps, without snapshots', async () => {
    await session.run('autopilot-eua', {}, false);
    await session.settled();
    const [run] = session.runs();
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
    await session.run('autopilot-eua', {}, false);
    await session.settled();
    expect(((await call('GET', '/api/mdm/settings')).body as { endUserAuthEnabled: boolean }).endUserAuthEnabled).toBe(false);
  });
});
