import { createApiClient } from '../../../renderer/api/client';

/** A host that answers from `answer` and remembers every call (method, path, body). */
export function fakeHost(answer: (method: string, path: string, body: unknown) => { status?: number; json: unknown }) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const path = String(input);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, body });
    const a = answer(method, path, body);
    return new Response(JSON.stringify(a.json), { status: a.status ?? 200, headers: { 'content-type': 'application/json' } });
  };
  return { calls, client: createApiClient({ token: 't', fetch: fetch as typeof globalThis.fetch }) };
}
