import { afterEach, describe, expect, it } from 'vitest';
import { twoParties, json } from '../../../helpers/two-parties.js';
import { untilHeld } from '../../../helpers/events.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => dispose?.());

describe('a step and the lab clock', () => {
  it('is timed from when the gate lets it go, in lab time, with the wait at the gate kept apart', async () => {
    const env = await twoParties('clock-at-gate');
    dispose = env.dispose;
    env.lab.gate.setMode('step');
    const sent = env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'held' }) });
    const held = await untilHeld(env.lab.gate);
    const openedAt = held.startedAt;
    env.lab.clock.advance(2 * 3600_000);
    env.lab.gate.step();
    const { step } = await sent;
    expect(step.startedAt).toBe(openedAt + 2 * 3600_000);
    expect(step.heldMs).toBeGreaterThan(0);
    expect(step.durationMs).toBeGreaterThan(0);
  });

  it('has no heldMs when nothing held it', async () => {
    const env = await twoParties('not-held');
    dispose = env.dispose;
    const { step } = await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'through' }) });
    expect(step.heldMs).toBeUndefined();
  });

  it('gets a Date header from the lab clock, not the wall clock', async () => {
    const env = await twoParties('date-header');
    dispose = env.dispose;
    env.lab.clock.advance(24 * 3600_000);
    const r = await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'dated' }) });
    // Seeded: the clock is pinned at 2026-01-15T09:00:00Z; a day later.
    expect(r.headers['date']).toBe(new Date(Date.UTC(2026, 0, 16, 9, 0, 0)).toUTCString());
  });
});

describe('prompts', () => {
  it('are counted when the prompt step is let through, not while it waits at the gate', async () => {
    const env = await twoParties('prompt-count');
    dispose = env.dispose;
    env.lab.gate.setMode('step');
    const asked = env.lab.local({ party: 'orbit', to: 'user', catalogId: 'orbit.sso-prompt', prompt: { kind: 'sso', text: 'sign in again' } }, () => 'ok');
    const held = await untilHeld(env.lab.gate);
    expect(held.prompt?.count).toBe(1);
    expect(env.lab.promptCount).toBe(0);
    env.lab.gate.step();
    await asked;
    expect(env.lab.promptCount).toBe(1);
  });
});

describe('a stopped lab', () => {
  it('does not send the step the gate lets go, nor any later one', async () => {
    const env = await twoParties('stopped');
    dispose = env.dispose;
    env.lab.gate.setMode('step');
    const sent = env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'never' }) });
    const held = await untilHeld(env.lab.gate);
    env.lab.stop();
    env.lab.gate.drain();
    await expect(sent).rejects.toThrow('not sent: the lab was stopped');
    expect(held.status).toBe('error');
    expect(env.received).toEqual([]);
    await expect(env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'later' }) })).rejects.toThrow('stopped');
  });
});
