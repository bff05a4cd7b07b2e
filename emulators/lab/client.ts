import http from 'node:http';
import https from 'node:https';
import type { HttpRequestRecord, HttpResponseRecord } from './step.js';
import { STEP_HEADER } from './context.js';

/** A keep-alive node:http client: the global fetch costs ~3× more per request in-process (TOOLCHAIN.md). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

const TEXT_TYPES = /^(text\/|application\/(json|xml|soap\+xml|vnd\.syncml[^;]*|x-www-form-urlencoded|jwt|jose)|[^;]*\+(xml|json))/i;

/** One keep-alive HTTPS agent per trusted CA: the lab CA is passed explicitly, never a global trust change. */
const httpsAgents = new Map<string, https.Agent>();
function httpsAgent(caPem: string | undefined): https.Agent {
  const key = caPem ?? '';
  let a = httpsAgents.get(key);
  if (!a) {
    a = new https.Agent({ keepAlive: true, maxSockets: 16, ...(caPem && { ca: caPem }) });
    httpsAgents.set(key, a);
  }
  return a;
}

/**
 * The one agent that does not verify: only for an admin's explicit `--insecure` towards an external Fleet (as
 * `curl --insecure`); never used by the lab's parties, whose servers always present the lab CA's certificate.
 */
let insecureAgent: https.Agent | undefined;
export function unverifiedHttpsAgent(): https.Agent {
  insecureAgent ??= new https.Agent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: false });
  return insecureAgent;
}

export function isTextContentType(ct: string | undefined): boolean {
  return ct === undefined || ct === '' || TEXT_TYPES.test(ct);
}

export interface WireResponse {
  record: HttpResponseRecord;
  raw: Buffer;
}

/**
 * Send one request over real HTTP or HTTPS (every party listens on 127.0.0.1). With `caPem` (the lab CA) HTTPS trusts
 * that CA (node:tls `ca` replaces the default store); a certificate it did not issue fails the request, as it would
 * for any client. The lab's parties always verify; only an admin's explicit --insecure towards an external Fleet
 * (FleetClient, `agentOverride`) does not.
 */
export function sendHttp(req: HttpRequestRecord, stepId: string | null, timeoutMs = 30_000, caPem?: string, agentOverride?: https.Agent): Promise<WireResponse> {
  const url = new URL(req.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new Error(`the lab speaks http(s) only, not ${url.protocol}`));
  const secure = url.protocol === 'https:';
  const body = req.bodyEncoding === 'base64' ? Buffer.from(req.body, 'base64') : Buffer.from(req.body, 'utf8');
  const headers: Record<string, string> = { ...req.headers };
  if (stepId) headers[STEP_HEADER] = stepId;
  if (req.method !== 'GET' && req.method !== 'HEAD') headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage) => {
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
    };
    const options = { method: req.method, headers, timeout: timeoutMs };
    const r = secure ? https.request(url, { ...options, agent: agentOverride ?? httpsAgent(caPem) }, onResponse) : http.request(url, { ...options, agent }, onResponse);
    r.on('timeout', () => r.destroy(new Error(`no answer from ${url.host} within ${timeoutMs} ms`)));
    r.on('error', reject);
    if (req.method !== 'GET' && req.method !== 'HEAD') r.write(body);
    r.end();
  });
}
