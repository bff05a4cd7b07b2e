import { afterEach, describe, expect, it } from 'vitest';
import { twoParties, json } from '../../../helpers/two-parties.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => dispose?.());

describe('snapshots and step back', () => {
  it('step back restores every party\'s DB to the earlier step', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'one' }) });
    await env.lab.send({ from: 'device', to: 'entra', request: json(`${env.urls.counter}/count`, {}) });
    const afterTwo = { notes: env.notes.dump(), counter: env.counter.dump() };
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'two' }) });
    await env.lab.send({ from: 'device', to: 'entra', request: json(`${env.urls.counter}/count`, {}) });
    expect(env.lab.cursor).toBe(3);
    expect(env.lab.back()).toBe(true);
    expect(env.lab.back()).toBe(true);
    expect(env.lab.cursor).toBe(1);
    expect({ notes: env.notes.dump(), counter: env.counter.dump() }).toEqual(afterTwo);
  });

  it('steps back to before the first step, and no further', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'one' }) });
    expect(env.lab.back()).toBe(true);
    expect(env.lab.cursor).toBe(-1);
    expect(env.notes.dump().notes).toEqual([]);
    expect(env.lab.back()).toBe(false);
  });

  it('step forward replays recorded history back to the newest step', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'one' }) });
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'two' }) });
    const head = env.notes.dump();
    env.lab.back();
    env.lab.back();
    expect(env.lab.forward()).toBe('replayed');
    expect(env.notes.dump().notes?.map((n) => n.body)).toEqual(['one']);
    expect(env.lab.forward()).toBe('replayed');
    expect(env.notes.dump()).toEqual(head);
  });

  it('a new step sent while the user looks at an earlier one first returns the world to the newest step', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'one' }) });
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'two' }) });
    env.lab.back();
    env.lab.back();
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'three' }) });
    expect(env.notes.dump().notes?.map((n) => n.body)).toEqual(['one', 'two', 'three']);
  });

  it('restores the lab clock with the DBs', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    const t0 = env.lab.clock.now();
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'one' }) });
    env.lab.clock.advance(3_600_000);
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'two' }) });
    env.lab.back();
    expect(env.lab.clock.now()).toBe(t0);
  });

  it('an unchanged party shares the previous image instead of a new copy', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'one' }) });
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'two' }) });
    const s0 = env.lab.snapshots.get(0)!;
    const s1 = env.lab.snapshots.get(1)!;
    expect(s1.images.get('entra')).toBe(s0.images.get('entra'));
    expect(s1.images.get('mdm')).not.toBe(s0.images.get('mdm'));
  });
});
