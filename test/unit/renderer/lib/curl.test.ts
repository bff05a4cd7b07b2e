import { createServer, type IncomingHttpHeaders } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlCommand } from '../../../../renderer/lib/curl';

const run = promisify(execFile);
let url = '';
let got: { method: string; headers: IncomingHttpHeaders; body: Buffer } | null = null;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    got = { method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks) };
    res.end('ok');
  });
});
beforeAll(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', () => ((url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`), r()))));
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('copy as curl', () => {
  it('sends the same method, headers and body bytes, quotes and newlines included', async () => {
    const body = `<s:Envelope a='1'>\n  it's "quoted" & $HOME \`x\`\n</s:Envelope>`;
    const cmd = curlCommand({ method: 'POST', url: `${url}/EnrollmentServer/Discovery.svc?x=1&y=2`, headers: { 'content-type': 'application/soap+xml; charset=utf-8', 'user-agent': "ENROLLClient's", host: 'ignored' }, body });
    await run('bash', ['-c', cmd]);
    expect(got!.method).toBe('POST');
    expect(got!.headers['content-type']).toBe('application/soap+xml; charset=utf-8');
    expect(got!.headers['user-agent']).toBe("ENROLLClient's");
    expect(got!.body.toString('utf8')).toBe(body);
  });

  it('decodes a binary body kept as base64 on the way in', async () => {
    const bytes = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 1, 2, 255]);
    await run('bash', ['-c', curlCommand({ method: 'PUT', url, headers: {}, body: bytes.toString('base64'), bodyEncoding: 'base64' })]);
    expect(got!.body.equals(bytes)).toBe(true);
  });

  it('is a plain GET when there is no body', () => {
    expect(curlCommand({ method: 'GET', url: 'http://m/EnrollmentServer/Discovery.svc', headers: { 'user-agent': 'ENROLLClient' }, body: '' })).toBe("curl -sS 'http://m/EnrollmentServer/Discovery.svc' -H 'user-agent: ENROLLClient'");
  });
});
