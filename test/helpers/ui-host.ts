import { EventEmitter } from 'node:events';
import { afterAll, beforeAll } from 'vitest';
import type { LabEvent } from '../../app/contract.js';
import { Session, type SessionOptions } from '../../app/host/session.js';
import { startUiServer, type UiServer } from '../../app/api/server.js';

export interface UiHost {
  readonly session: Session;
  readonly ui: UiServer;
  /** A UI API call with the per-launch token: JSON in, status and JSON out. */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** A live session behind the UI API for one test file: started before its tests, closed after them. */
export function uiHost(opts: SessionOptions = {}): UiHost {
  let session: Session | undefined;
  let ui: UiServer | undefined;
  beforeAll(async () => {
    session = await Session.start(opts);
    ui = await startUiServer({ session });
  });
  afterAll(async () => {
    await ui?.close();
    await session?.close();
  });
  const host: UiHost = {
    get session() {
      if (!session) throw new Error('the UI host starts in beforeAll');
      return session;
    },
    get ui() {
      if (!ui) throw new Error('the UI host starts in beforeAll');
      return ui;
    },
    async call<T>(method: string, path: string, body?: unknown) {
      const { url, token } = host.ui;
      const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, ...(body !== undefined && { body: JSON.stringify(body) }) });
      return { status: res.status, body: (await res.json()) as T };
    },
  };
  return host;
}

/** The UI API's server-sent events, read as they arrive: `events` in order, an 'event' on `emitter` for each. */
export function eventStream(url: string): { events: LabEvent[]; emitter: EventEmitter; close(): Promise<void> } {
  const events: LabEvent[] = [];
  const emitter = new EventEmitter();
  const ac = new AbortController();
  const reading = fetch(url, { signal: ac.signal })
    .then(async (res) => {
      const reader = res.body!.getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += new TextDecoder().decode(value);
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (chunk.startsWith('data: ')) {
            events.push(JSON.parse(chunk.slice(6)) as LabEvent);
            emitter.emit('event');
          }
        }
      }
    })
    .catch(() => undefined);
  return {
    events,
    emitter,
    close: async () => {
      ac.abort();
      await reading;
    },
  };
}
