import http from 'node:http';
import https from 'node:https';
import type { HttpRequestRecord, HttpResponseRecord } from './step.js';
import { STEP_HEADER } from './context.js';

/** A keep-alive node:http client: the global fetch costs ~3× more per request in-process (TOOLCHAIN.md). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

const TEXT_TYPES = /^(text\/|application\/(json|xml|soap\+xml|vnd\.syncml[^;]*|x-www-form-urlencoded|jwt|jose)|[^;]*\+(xml|json))/i;

/**
 * How one peer's HTTPS is trusted instead of the lab CA: an external MDM target (run --mdm-url) with its own CA
 * (--mdm-ca), or with verification off (--insecure, which the CLI warns about on stderr).
 */
export interface PeerTrust {
  /** The peer's origin (`https://host:port`), as `new URL(url).origin` gives it. */
  origin: string;
  caPem?: string;
  insecure?: boolean;
}

/** What a request trusts: the lab CA for the lab's own servers, and per-peer trust for outside ones. */
export interface HttpTrust {
  caPem?: string;
  peers?: readonly PeerTrust[];
}

/** One keep-alive HTTPS agent per trust: every CA is passed explicitly, never a global trust change. */
const httpsAgents = new Map<string, https.Agent>();
function httpsAgent(caPem: string | undefined, insecure = false): https.Agent {
  const key = `${insecure ? 'insecure' : 'verify'}:${caPem ?? ''}`;
  let a = httpsAgents.get(key);
  if (!a) {
    a = new https.Agent({ keepAlive: true, maxSockets: 16, ...(caPem && { ca: caPem }), ...(insecure && { rejectUnauthorized: false }) });
    httpsAgents.set(key, a);
  }
  return a;
}

/** The agent for a URL: its peer's trust when one is named for its origin, else the lab CA (or Node's store). */
function agentFor(url: URL, trust: HttpTrust): https.Agent {
  const peer = trust.peers?.find((p) => p.origin === url.origin);
  return peer ? httpsAgent(peer.caPem, peer.insecure === true) : httpsAgent(trust.caPem);
}

export function isTextContentType(ct: string | undefined): boolean {
  return ct === undefined || ct === '' || TEXT_TYPES.test(ct);
}

export interface WireResponse {
  record: HttpResponseRecord;
  raw: Buffer;
}

/**
 * Send one request over real HTTP or HTTPS (every lab party listens on 127.0.0.1). With a CA (the lab CA, or a peer's
 * own) HTTPS trusts that CA (node:tls `ca` replaces the default store); a certificate it did not issue fails the
 * request, as it would for every client. Verification is off only for a peer named `insecure` (run --insecure).
 */
export function sendHttp(req: HttpRequestRecord, stepId: string | null, timeoutMs = 30_000, trustOrCa?: string | HttpTrust): Promise<WireResponse> {
  const trust: HttpTrust = typeof trustOrCa === 'string' ? { caPem: trustOrCa } : (trustOrCa ?? {});
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
    const send = (retry: boolean) => {
      const r = secure ? https.request(url, { ...options, agent: agentFor(url, trust) }, onResponse) : http.request(url, { ...options, agent }, onResponse);
      r.on('timeout', () => r.destroy(new Error(`no answer from ${url.host} within ${timeoutMs} ms`)));
      r.on('error', (e: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed while idle fails the next request before the server saw it: send it
        // once more on a fresh socket (nodejs.org/api/http.html#requestreusedsocket).
        if (retry && r.reusedSocket && e.code === 'ECONNRESET') send(false);
        else reject(e);
      });
      if (req.method !== 'GET' && req.method !== 'HEAD') r.write(body);
      r.end();
    };
    send(true);
  });
}
