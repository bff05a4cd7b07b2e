import type { FastifyInstance } from 'fastify';
import { tempLab } from './lab.js';
import { listenLoopback } from '../../emulators/lab/server.js';
import type { Lab } from '../../emulators/lab/lab.js';
import type { Store } from '../../emulators/lab/store.js';

/** Two tiny real parties for lab tests: an "mdm" server that stores notes, and an "entra" one with a counter. */
export async function twoParties(seed: string | null = 'lab-test'): Promise<{
  lab: Lab;
  notes: Store;
  counter: Store;
  urls: { notes: string; counter: string };
  received: string[];
  dispose: () => Promise<void>;
}> {
  const { lab, dispose } = tempLab({ seed });
  const notes = lab.openStore('mdm', `CREATE TABLE IF NOT EXISTS notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL, secret BLOB)`);
  const counter = lab.openStore('entra', `CREATE TABLE IF NOT EXISTS counter(name TEXT PRIMARY KEY, n INTEGER NOT NULL)`);
  const received: string[] = [];
  const a: FastifyInstance = lab.server('mdm');
  a.post('/notes', (req) => {
    received.push(req.rawBody);
    const body = JSON.parse(req.rawBody) as { body: string; fail?: boolean };
    return notes.tx((db) => {
      const id = db.prepare(`INSERT INTO notes(body, secret) VALUES (?, ?)`).run(body.body, Buffer.from([0xde, 0xad])).lastInsertRowid;
      if (body.fail) throw new Error('refused after writing');
      return { id: Number(id) };
    });
  });
  a.setErrorHandler((e, _req, reply) => reply.code(400).send({ error: (e as Error).message }));
  a.put('/notes/:id', (req) => {
    const { id } = req.params as { id: string };
    return notes.tx((db) => db.prepare(`UPDATE notes SET body = ? WHERE id = ?`).run(req.rawBody, Number(id)).changes);
  });
  a.delete('/notes/:id', (req) => notes.tx((db) => db.prepare(`DELETE FROM notes WHERE id = ?`).run(Number((req.params as { id: string }).id)).changes));
  const b: FastifyInstance = lab.server('entra');
  b.post('/count', () => counter.tx((db) => db.prepare(`INSERT INTO counter(name, n) VALUES ('c', 1) ON CONFLICT(name) DO UPDATE SET n = n + 1`).run().changes));
  const urls = { notes: await listenLoopback(a), counter: await listenLoopback(b) };
  lab.markStart();
  return {
    lab,
    notes,
    counter,
    urls,
    received,
    dispose: async () => {
      await a.close();
      await b.close();
      dispose();
    },
  };
}

export const json = (url: string, body: unknown, method = 'POST') => ({ method, url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
