import type { Breakpoint, ControlRequest, DbView, HttpRequest, LabEvent, LabState, RunRequest, ScenarioInfo, Step } from '../../app/contract';

/** The typed client of the host's UI API (app/api/server.ts); the per-launch token comes from the page URL. */
const token = new URLSearchParams(location.search).get('token') ?? '';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) {
    const text = await res.text();
    let msg = text;
    try {
      msg = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      /* plain text error */
    }
    throw new Error(`${method} ${path}: ${res.status} ${msg}`);
  }
  return (await res.json()) as T;
}

export const api = {
  state: () => call<LabState>('GET', '/api/state'),
  steps: () => call<Step[]>('GET', '/api/steps'),
  scenarios: () => call<ScenarioInfo[]>('GET', '/api/scenarios'),
  db: (step: number) => call<DbView>('GET', `/api/db?step=${step}`),
  run: (req: RunRequest) => call<LabState>('POST', '/api/run', req),
  control: (action: ControlRequest['action'], edited?: HttpRequest) =>
    call<{ ok: boolean; state: LabState }>('POST', '/api/control', edited ? { action, edited } : { action }),
  advanceClock: (ms: number) => call<LabState>('POST', '/api/clock/advance', { ms }),
  setBreakpoints: (breakpoints: Breakpoint[]) => call<LabState>('PUT', '/api/breakpoints', { breakpoints }),
  exportUrl: (kind: 'json' | 'har') => `/api/export${kind === 'har' ? '.har' : ''}?token=${encodeURIComponent(token)}`,
  events(onEvent: (ev: LabEvent) => void): () => void {
    const es = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    es.onmessage = (m) => onEvent(JSON.parse(m.data as string) as LabEvent);
    return () => es.close();
  },
};
