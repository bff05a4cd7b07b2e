import type { DecodeRequest, DecodeResponse, PrettyBody } from './decode-protocol';

/**
 * The page's side of the decode worker: one worker, started on first use; each request gets an id and a promise.
 * Where no Worker exists (unit tests in jsdom) `available` is false and callers decode in place.
 */
let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (p: PrettyBody) => void; reject: (e: Error) => void }>();

export const available = typeof Worker !== 'undefined';

function start(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<DecodeResponse>) => {
    const r = e.data;
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.ok) p.resolve(r.pretty);
    else p.reject(new Error(r.error));
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(new Error(e.message || 'decode worker failed'));
    pending.clear();
    worker?.terminate();
    worker = null;
  };
  return worker;
}

export function decodeInWorker(msg: { body: string; headers: Record<string, string>; bodyEncoding?: 'utf8' | 'base64' }): Promise<PrettyBody> {
  const id = nextId++;
  const req: DecodeRequest = { id, kind: 'pretty', body: msg.body, headers: msg.headers, ...(msg.bodyEncoding && { encoding: msg.bodyEncoding }) };
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    start().postMessage(req);
  });
}
