import { afterEach, describe, expect, it } from 'vitest';
import { twoParties, json } from '../../../helpers/two-parties.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => dispose?.());

describe('the change log', () => {
  it('names the exact row a step inserted, with its values (blobs as hex)', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    const r = await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'hello' }) });
    expect(r.step.changes).toEqual([{ party: 'mdm', table: 'notes', op: 'insert', before: null, after: { id: 1, body: 'hello', secret: 'DEAD' } }]);
  });

  it('records an update with the row before and after', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'v1' }) });
    const r = await env.lab.send({ from: 'device', to: 'mdm', request: { method: 'PUT', url: `${env.urls.notes}/notes/1`, headers: { 'content-type': 'text/plain' }, body: 'v2' } });
    expect(r.step.changes).toEqual([
      { party: 'mdm', table: 'notes', op: 'update', before: { id: 1, body: 'v1', secret: 'DEAD' }, after: { id: 1, body: 'v2', secret: 'DEAD' } },
    ]);
  });

  it('records a delete with the row that was removed', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'bye' }) });
    const r = await env.lab.send({ from: 'device', to: 'mdm', request: { method: 'DELETE', url: `${env.urls.notes}/notes/1`, headers: {}, body: '' } });
    expect(r.step.changes).toEqual([{ party: 'mdm', table: 'notes', op: 'delete', before: { id: 1, body: 'bye', secret: 'DEAD' }, after: null }]);
  });

  it('a transaction that fails writes nothing: no change, the DB file byte-for-byte unchanged', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    const before = env.notes.fileBytes();
    const r = await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'half', fail: true }) });
    expect(r.status).toBe(400);
    expect(r.step.changes).toEqual([]);
    expect(env.notes.fileBytes().equals(before)).toBe(true);
  });

  it('attributes a write to the step of the request that caused it, across parties', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    const a = await env.lab.send({ from: 'device', to: 'mdm', request: json(`${env.urls.notes}/notes`, { body: 'a' }) });
    const b = await env.lab.send({ from: 'device', to: 'entra', request: json(`${env.urls.counter}/count`, {}) });
    expect(a.step.changes.map((c) => c.party)).toEqual(['mdm']);
    expect(b.step.changes).toEqual([{ party: 'entra', table: 'counter', op: 'insert', before: null, after: { name: 'c', n: 1 } }]);
  });

  it('records a request from an outside client as a step of its own, observed by the server', async () => {
    const env = await twoParties();
    dispose = env.dispose;
    const res = await fetch(`${env.urls.notes}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: 'from curl' }) });
    expect(res.status).toBe(200);
    const step = env.lab.recorder.all().at(-1)!;
    expect(step).toMatchObject({ from: 'external', to: 'mdm', observedBy: 'mdm', status: 'done', title: 'POST /notes' });
    expect(step.request?.body).toBe(JSON.stringify({ body: 'from curl' }));
    expect(step.response?.status).toBe(200);
    expect(step.changes[0]).toMatchObject({ table: 'notes', op: 'insert', after: { body: 'from curl' } });
  });
});
