import { describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { uiHost } from '../helpers/ui-host.js';

/**
 * The UI API answers only the UI's own page: the per-launch token, and no page of another origin (a site the user
 * has open, a DNS-rebound name), even one that learnt the token. A refused call is a JSON error and changes nothing.
 */
const host = uiHost({ seed: 'security-ui-api' });

/** node:http, not fetch: fetch would not let a test set Host, and Origin is what a browser, not the caller, sets. */
function call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; type: string; json: unknown }> {
  const url = new URL(path, host.ui.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const bearer = () => ({ authorization: `Bearer ${host.ui.token}` });
const own = () => host.ui.url; // http://127.0.0.1:<port>

/** What a refused call must leave as it was: the lab clock, the timeline, the breakpoints and every party's DB file. */
function world(): string {
  const s = host.session.state();
  const files = host.session.current.lab.allStores().map((st) => createHash('sha256').update(readFileSync(st.file)).digest('hex'));
  return JSON.stringify({ status: s.status, offset: s.clock.offsetMs, steps: host.session.steps().length, breakpoints: s.breakpoints, files });
}

/** Calls that would change the lab if they were let through. */
const changes: [string, string, unknown][] = [
  ['POST', '/api/clock/advance', { ms: 60_000 }],
  ['PUT', '/api/breakpoints', { breakpoints: [{ party: 'mdm' }] }],
  ['POST', '/api/run', { scenario: 'autopilot-eua' }],
];

describe('the UI API refuses what is not the UI itself', () => {
  it('answers the UI\'s own page: the token and its own Origin', async () => {
    const res = await call('GET', '/api/state', { ...bearer(), origin: own() });
    expect(res.status).toBe(200);
  });

  it.each(changes)('%s %s with the token but Origin http://evil.example: 403 with a JSON error, nothing changed', async (method, path, body) => {
    const before = world();
    const res = await call(method, path, { ...bearer(), origin: 'http://evil.example' }, body);
    expect(res.status).toBe(403);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.json).toEqual({ error: 'request from another origin refused' });
    expect(world()).toBe(before);
  });

  it.each(changes)('%s %s without a token: 401 with a JSON error, nothing changed', async (method, path, body) => {
    const before = world();
    const res = await call(method, path, {}, body);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: 'missing or wrong UI token' });
    expect(world()).toBe(before);
  });

  it('refuses the token in a query string sent from another origin (an EventSource or link on a foreign page)', async () => {
    const res = await call('GET', `/api/events?token=${host.ui.token}`, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
  });

  it('refuses Origin null (a sandboxed frame, a file:// page)', async () => {
    expect((await call('GET', '/api/state', { ...bearer(), origin: 'null' })).status).toBe(403);
  });

  it('refuses the same host on another port, and https for an http UI', async () => {
    const port = Number(new URL(own()).port);
    expect((await call('GET', '/api/state', { ...bearer(), origin: `http://127.0.0.1:${port + 1}` })).status).toBe(403);
    expect((await call('GET', '/api/state', { ...bearer(), origin: `https://127.0.0.1:${port}` })).status).toBe(403);
  });

  it('refuses a DNS-rebound name (Host evil.example:<port>) even with the token and no Origin', async () => {
    const port = new URL(own()).port;
    const res = await call('GET', '/api/state', { ...bearer(), host: `evil.example:${port}` });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ error: 'request from another origin refused' });
  });

  it('answers a client that is not a browser (no Origin), on 127.0.0.1 and on localhost', async () => {
    const port = new URL(own()).port;
    expect((await call('GET', '/api/state', bearer())).status).toBe(200);
    expect((await call('GET', '/api/state', { ...bearer(), host: `localhost:${port}` })).status).toBe(200);
  });

  it('cuts slow clients off as the parties do (headers 10 s, the whole request 30 s)', () => {
    expect([host.ui.app.server.headersTimeout, host.ui.app.server.requestTimeout]).toEqual([10_000, 30_000]);
  });

  it('sends the strict Content-Security-Policy on the UI page itself', async () => {
    const res = await fetch(`${host.ui.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  });
});
