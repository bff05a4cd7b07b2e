import { afterEach, describe, expect, it } from 'vitest';
import { tempLab } from '../../../helpers/lab.js';
import { listenLoopback } from '../../../../emulators/lab/server.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => dispose?.());

const SECRET = 'SQLITE_CONSTRAINT: UNIQUE constraint failed: hosts.osquery_host_id';

async function party(name: 'mdm' | 'entra') {
  const t = tempLab({ seed: `unexpected-${name}` });
  const app = t.lab.server(name, { bodyLimit: 64 });
  app.post('/boom', async () => {
    throw new Error(SECRET);
  });
  app.post('/echo', async (req) => req.rawBody);
  const url = await listenLoopback(app);
  dispose = async () => {
    await app.close();
    t.dispose();
  };
  return { url, lab: t.lab };
}

describe('an error no handler answered', () => {
  it("MDM: a handler's throw is Fleet's 500 JSON error with a uuid, and the internal text stays on the step", async () => {
    const { url, lab } = await party('mdm');
    const res = await fetch(`${url}/boom`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('SQLITE');
    const body = JSON.parse(text) as { message: string; errors: { name: string; reason: string }[]; uuid: string };
    expect(body).toEqual({ message: 'Internal Server Error', errors: [{ name: 'base', reason: 'Internal Server Error' }], uuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) });
    const step = lab.recorder.all().at(-1)!;
    expect(step.detail?.serverError).toEqual({ status: 500, id: body.uuid, message: SECRET });
    expect(step.response?.status).toBe(500);
  });

  it('MDM: a body over the limit is 413 in the same shape, before any handler runs', async () => {
    const { url } = await party('mdm');
    const res = await fetch(`${url}/echo`, { method: 'POST', body: 'x'.repeat(65) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ message: 'Payload Too Large', errors: [{ name: 'base', reason: 'Payload Too Large' }] });
  });

  it("Entra: a handler's throw is an OAuth server_error (AADSTS50000), a refused body an invalid_request", async () => {
    const { url } = await party('entra');
    const res = await fetch(`${url}/boom`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(500);
    const e = (await res.json()) as { error: string; error_codes: number[]; error_description: string; trace_id: string };
    expect(e.error).toBe('server_error');
    expect(e.error_codes).toEqual([50000]);
    expect(e.error_description).toMatch(/^AADSTS50000: .*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(e.error_description).not.toContain('SQLITE');
    const big = await fetch(`${url}/echo`, { method: 'POST', body: 'x'.repeat(65) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string; error_codes: number[] }).error_codes).toEqual([9002313]);
  });

  it('the server keeps serving after it', async () => {
    const { url } = await party('mdm');
    await fetch(`${url}/boom`, { method: 'POST', body: 'x' });
    expect(await (await fetch(`${url}/echo`, { method: 'POST', body: 'still here' })).text()).toBe('still here');
  });
});

describe('a URL the router cannot decode', () => {
  it("MDM: `%zz` in the path is Fleet's 400 JSON, not the framework's", async () => {
    const { url } = await party('mdm');
    const res = await fetch(`${url}/echo%zz`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain('FST_');
    expect(JSON.parse(text)).toEqual({ message: 'Bad Request', errors: [{ name: 'base', reason: 'Bad Request' }] });
  });

  it('Entra: `%zz` in the path is an OAuth invalid_request (AADSTS9002313)', async () => {
    const { url } = await party('entra');
    const res = await fetch(`${url}/echo%zz`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string; error_codes: number[] })).toMatchObject({ error: 'invalid_request', error_codes: [9002313] });
  });
});
