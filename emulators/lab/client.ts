import http from 'node:http';
import type { HttpRequestRecord, HttpResponseRecord } from './step.js';
import { STEP_HEADER } from './context.js';

/** A keep-alive node:http client: the global fetch costs ~3× more per request in-process (TOOLCHAIN.md). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

const TEXT_TYPES = /^(text\/|application\/(json|xml|soap\+xml|vnd\.syncml[^;]*|x-www-form-urlencoded|jwt|jose)|[^;]*\+(xml|json))/i;

export function isTextContentType(ct: string | undefined): boolean {
  return ct === undefined || ct === '' || TEXT_TYPES.test(ct);
}

export interface WireResponse {
  record: HttpResponseRecord;
  raw: Buffer;
}

/** Send one request over real HTTP; only loopback http URLs are allowed (every party listens on 127.0.0.1). */
export function sendHttp(req: HttpRequestRecord, stepId: string | null, timeoutMs = 30_000): Promise<WireResponse> {
  const url = new URL(req.url);
  if (url.protocol !== 'http:') return Promise.reject(new Error(`the lab speaks http on loopback only, not ${url.protocol}`));
  const body = req.bodyEncoding === 'base64' ? Buffer.from(req.body, 'base64') : Buffer.from(req.body, 'utf8');
  const headers: Record<string, string> = { ...req.headers };
  if (stepId) headers[STEP_HEADER] = stepId;
  if (req.method !== 'GET' && req.method !== 'HEAD') headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const r = http.request(url, { method: req.method, headers, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const resHeaders: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) resHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
        const text = isTextContentType(resHeaders['content-type']);
        resolve({
          raw,
          record: {
            status: res.statusCode ?? 0,
            headers: resHeaders,
            body: text ? raw.toString('utf8') : raw.toString('base64'),
            ...(text ? {} : { bodyEncoding: 'base64' as const }),
          },
        });
      });
    });
    r.on('timeout', () => r.destroy(new Error(`no answer from ${url.host} within ${timeoutMs} ms`)));
    r.on('error', reject);
    if (req.method !== 'GET' && req.method !== 'HEAD') r.write(body);
    r.end();
  });
}
