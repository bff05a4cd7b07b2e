import type { LabEvent, LabState, Step } from '../../app/contract';

/** The typed client of the host's UI API; the per-launch token comes from the page URL. */
const token = new URLSearchParams(location.search).get('token') ?? '';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const api = {
  state: () => call<LabState>('GET', '/api/state'),
  steps: () => call<Step[]>('GET', '/api/steps'),
  events(onEvent: (ev: LabEvent) => void): () => void {
    const es = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    es.onmessage = (m) => onEvent(JSON.parse(m.data as string) as LabEvent);
    return () => es.close();
  },
};
