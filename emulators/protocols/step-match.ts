import { STEP_KINDS, STEP_KIND_IDS, type HttpMatch, type StepKindId } from './steps.js';

/** What a server knows of a request it received from outside the lab. */
export interface ReceivedRequest {
  server: 'mdm' | 'entra';
  method: string;
  path: string;
  /** The body, when it has arrived; a request is classified again once it has. */
  body?: string;
  /** The request headers (any case), where the caller has them. */
  headers?: Record<string, string>;
}

const compiled = STEP_KIND_IDS.flatMap((id) => {
  const http = (STEP_KINDS[id] as { http?: HttpMatch }).http;
  return http ? [{ id, http, path: new RegExp(http.path, 'i'), methods: http.method.split('|') }] : [];
});

function formValue(body: string, name: string): string | null {
  try {
    return new URLSearchParams(body).get(name);
  } catch {
    return null;
  }
}

/** The `request` JWT of a jwt-bearer form: RS256 with x5c is device-key-signed, HS256 with ctx session-key-signed (PROTOCOL.md). */
function requestJwtKind(body: string): HttpMatch['requestJwt'] | null {
  const jwt = formValue(body, 'request');
  if (!jwt) return null;
  try {
    const header = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: unknown; x5c?: unknown; ctx?: unknown };
    if (header.alg === 'RS256' && header.x5c !== undefined) return 'device-key';
    if (header.alg === 'HS256' && typeof header.ctx === 'string') return 'session-key';
  } catch {
    /* not a JWT */
  }
  return null;
}

/** The `grant_type` inside the `request` JWT's payload: a PRT request's user proof (entra-mde2.md §6.2). */
function requestGrantOf(body: string): string | null {
  const jwt = formValue(body, 'request');
  if (!jwt) return null;
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { grant_type?: unknown };
    return typeof payload.grant_type === 'string' ? payload.grant_type : null;
  } catch {
    return null;
  }
}

/** A credential sent as a header or as a cookie of that name (entra/authorize/sso-credential.ts reads both the same way). */
function carries(headers: Record<string, string> | undefined, name: string): boolean {
  if (!headers) return false;
  const lower = name.toLowerCase();
  let cookie = '';
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === lower && v !== '') return true;
    if (k.toLowerCase() === 'cookie') cookie = v;
  }
  return cookie.split(';').some((c) => c.split('=')[0]!.trim().toLowerCase() === lower);
}

function soapActionOf(body: string): string | null {
  const m = /<(?:[\w-]+:)?Action\b[^>]*>([^<]+)</.exec(body);
  return m ? m[1]!.trim() : null;
}

/**
 * The catalog id of a request a server recorded itself (curl, a real Windows VM): the entry whose method and path
 * match, and whose grant, signing key or SOAP action match too when it names one; the most specific one wins.
 */
export function classifyRequest(r: ReceivedRequest): StepKindId {
  const body = r.body ?? '';
  let best: { id: StepKindId; score: number } | null = null;
  for (const c of compiled) {
    if (c.http.server !== r.server || !c.methods.includes(r.method.toUpperCase()) || !c.path.test(r.path)) continue;
    let score = 1;
    if (c.http.grant !== undefined) {
      const grant = formValue(body, 'grant_type');
      if (!grant || !(grant === c.http.grant || grant.endsWith(`:${c.http.grant}`))) continue;
      score++;
    }
    if (c.http.clientId !== undefined) {
      if (formValue(body, 'client_id') !== c.http.clientId) continue;
      score++;
    }
    if (c.http.requestJwt !== undefined) {
      if (requestJwtKind(body) !== c.http.requestJwt) continue;
      score++;
    }
    if (c.http.requestGrant !== undefined) {
      if (requestGrantOf(body) !== c.http.requestGrant) continue;
      score++;
    }
    if (c.http.credential !== undefined) {
      if (!carries(r.headers, c.http.credential)) continue;
      score++;
    }
    if (c.http.soapAction !== undefined) {
      if (!soapActionOf(body)?.endsWith(c.http.soapAction)) continue;
      score++;
    }
    if (!best || score > best.score) best = { id: c.id, score };
  }
  return best?.id ?? 'http.other';
}
