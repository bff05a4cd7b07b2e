import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { tempLab } from '../../../helpers/lab.js';
import { listenLoopback, SLOW_CLIENT_LIMITS } from '../../../../emulators/lab/server.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => dispose?.());

/** A party server with short limits, one route, listening on loopback. */
async function server(limits: Partial<typeof SLOW_CLIENT_LIMITS>) {
  const t = tempLab({ seed: 'slow-clients' });
  const app = t.lab.server('mdm', { limits });
  app.post('/echo', async (req) => req.rawBody);
  const url = new URL(await listenLoopback(app));
  dispose = async () => {
    await app.close();
    t.dispose();
  };
  return { port: Number(url.port), app };
}

/** What the server wrote before it closed the connection. */
function hold(port: number, first: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = connect({ host: '127.0.0.1', port }, () => s.write(first));
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('close', () => resolve(got));
  });
}

describe('slow clients are cut off', () => {
  it('keeps the defaults: headers within 10 s, the whole request within 30 s', () => {
    expect(SLOW_CLIENT_LIMITS).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
  });

  it('a client that never finishes its headers gets 408 and the connection closed', async () => {
    const { port } = await server({ headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 50 });
    const got = await hold(port, 'POST /echo HTTP/1.1\r\nHost: x\r\n');
    expect(got).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a client that sends its headers and then trickles the body is cut off at the request timeout', async () => {
    const { port } = await server({ headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 50 });
    const got = await hold(port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nabc');
    expect(got).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a prompt client is served as usual', async () => {
    const { port } = await server({ headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 50 });
    const res = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(await res.text()).toBe('hello');
  });
});
