import { afterEach, describe, expect, it } from 'vitest';
import { twoParties, json } from '../../../helpers/two-parties.js';
import { untilHeld } from '../../../helpers/events.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => dispose?.());

describe('the gate', () => {
  it('in step mode holds a request until the user releases it', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    env.lab.gate.setMode('step');
    let answered = false;
    const sent = env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'held' }) }).then((r) => ((answered = true), r));
    await untilHeld(env.lab.gate);
    expect(env.lab.gate.waiting?.title).toBe('POST /notes');
    expect(env.lab.gate.waiting?.status).toBe('waiting');
    expect(env.received).toEqual([]);
    expect(answered).toBe(false);
    env.lab.gate.step();
    const r = await sent;
    expect(r.status).toBe(200);
    expect(env.received).toHaveLength(1);
  });

  it('sends the edited request, and the step keeps both versions', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    env.lab.gate.setMode('step');
    const sent = env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'original' }) });
    await untilHeld(env.lab.gate);
    const waiting = env.lab.gate.waiting!;
    env.lab.gate.continue({ edited: { ...waiting.request!, body: JSON.stringify({ body: 'edited at the gate' }) } });
    const r = await sent;
    expect(env.received).toEqual([JSON.stringify({ body: 'edited at the gate' })]);
    expect(r.step.originalRequest?.body).toBe(JSON.stringify({ body: 'original' }));
    expect(r.step.request?.body).toBe(JSON.stringify({ body: 'edited at the gate' }));
    expect(env.notes.dump().notes?.map((n) => n.body)).toEqual(['edited at the gate']);
  });

  it('a breakpoint on a path stops a running run there, and lets other steps through', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    env.lab.gate.setBreakpoints([{ id: 'bp1', path: '/count' }]);
    const first = await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'passes' }) });
    expect(first.status).toBe(200);
    const stopped = env.lab.send({ from: 'device', to: 'entra', request: json(`${env.urls.counter}/count`, {}) });
    await untilHeld(env.lab.gate);
    expect(env.lab.gate.waiting?.title).toBe('POST /count');
    expect(env.lab.gate.mode).toBe('step');
    expect(env.counter.dump().counter).toEqual([]);
    env.lab.gate.continue();
    await stopped;
    expect(env.counter.dump().counter).toEqual([{ name: 'c', n: 1 }]);
  });

  it('a disabled breakpoint does not stop the run', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    env.lab.gate.setBreakpoints([{ id: 'bp1', path: '/count', enabled: false }]);
    const r = await env.lab.send({ from: 'device', to: 'entra', request: json(`${env.urls.counter}/count`, {}) });
    expect(r.status).toBe(200);
  });

  it('holds local steps in step mode too', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    env.lab.gate.setMode('step');
    let ran = false;
    const p = env.lab.local({ party: 'tpm', to: 'device', catalogId: 'tpm.create-key' }, () => (ran = true));
    await untilHeld(env.lab.gate);
    expect(ran).toBe(false);
    expect(env.lab.gate.waiting?.kind).toBe('local');
    env.lab.gate.step();
    await p;
    expect(ran).toBe(true);
  });
});
