import { parseXml } from '../../../emulators/protocols/soap.js';
import type { WireResponse } from './world.js';

/**
 * What each protocol answers bad input with. A shape check returns 'ok' (the protocol's success answer), 'error'
 * (the protocol's own error), or throws: a defect (a 500 of the framework, a raw JS/SQLite error text, a body
 * that is not the protocol's shape).
 */
export type Verdict = 'ok' | 'error';
export type Shape = (res: WireResponse) => Verdict;

export class ShapeDefect extends Error {}

// Texts that only leak from the implementation: JS error classes, V8 messages, stack frames, SQLite codes.
const INTERNAL = /\b(TypeError|RangeError|ReferenceError|SyntaxError|AssertionError)\b|Cannot read propert|is not a function|is not iterable|Maximum call stack|SQLITE_|SqliteError|constraint failed|no such (column|table)|datatype mismatch|FST_ERR|node:internal|\bat \S+ \(|\.ts:\d+:\d+|\[object Object\]|\bundefined\b|statusCode":5/;

function defect(res: WireResponse, why: string): never {
  throw new ShapeDefect(`${why}: HTTP ${res.status} ${res.contentType} ${JSON.stringify(res.body.slice(0, 400))}`);
}

export function noInternalText(res: WireResponse): void {
  const m = INTERNAL.exec(res.body);
  if (m) defect(res, `internal error text (${m[0]}) reaches the client`);
}

function json(res: WireResponse): unknown {
  if (!/json/.test(res.contentType)) defect(res, 'not JSON');
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    return defect(res, 'JSON that does not parse');
  }
}

/** Fleet's transport_error.go body: {message, errors: [{name: "base", reason}]}. */
export function isFleetError(res: WireResponse): boolean {
  const b = json(res) as { message?: unknown; errors?: { name?: unknown; reason?: unknown }[] };
  return typeof b.message === 'string' && Array.isArray(b.errors) && b.errors.length > 0 && b.errors.every((e) => e.name === 'base' && typeof e.reason === 'string');
}

/** Fleet JSON routes: 2xx JSON, or a 4xx Fleet JSON error (`plain404`: gorilla/mux's text 404 for an id no route takes). */
export function fleetJson(opts: { plain404?: boolean; allow5xx?: RegExp } = {}): Shape {
  return (res) => {
    noInternalText(res);
    if (res.status === 404 && opts.plain404 && res.body === '404 page not found\n') return 'error';
    if (res.status >= 200 && res.status < 300) return (json(res), 'ok');
    if (!isFleetError(res)) defect(res, 'not a Fleet JSON error');
    if (res.status >= 500 && !(opts.allow5xx && opts.allow5xx.test(res.body))) defect(res, 'a server error for bad input');
    if (res.status < 400) defect(res, 'an error body with a non-error status');
    return 'error';
  };
}

/** MS-MDE2 / MS-XCEP / MS-WSTEP: a SOAP 1.2 answer (a Fault is HTTP 200 in Fleet), or Fleet's 400/413 JSON before decoding. */
export const soap: Shape = (res) => {
  noInternalText(res);
  if (res.status === 200 && /application\/soap\+xml/.test(res.contentType)) {
    try {
      parseXml(res.body);
    } catch {
      defect(res, 'a SOAP answer that is not well-formed XML');
    }
    if (/<s:Fault>/i.test(res.body)) {
      if (!/<s:Reason>\s*<s:Text xml:lang="en-us">[^<]*<\/s:Text>\s*<\/s:Reason>/i.test(res.body)) defect(res, 'a SOAP fault without a reason');
      return 'error';
    }
    return 'ok';
  }
  if ((res.status === 400 || res.status === 413) && isFleetError(res)) return 'error';
  return defect(res, 'neither SOAP nor Fleet JSON 400');
};

/** OMA-DM management: SyncML, a SOAP fault (Fleet's management faults), Fleet JSON 4xx, or Fleet's 500 for undecodable XML. */
export const syncml: Shape = (res) => {
  noInternalText(res);
  if (res.status === 200 && /application\/vnd\.syncml\.dm\+xml/.test(res.contentType)) {
    try {
      parseXml(res.body);
    } catch {
      defect(res, 'SyncML that is not well-formed XML');
    }
    return 'ok';
  }
  if (res.status === 200 && /soap\+xml/.test(res.contentType)) return soap(res);
  return fleetJson({ allow5xx: /"message": "unmarshalling SyncML message request: / })(res);
};

/** RFC 6749 §5.2 as Entra writes it: {error, error_description "AADSTS…", error_codes, …}. */
export function isOAuthError(res: WireResponse): boolean {
  const b = json(res) as { error?: unknown; error_description?: unknown; error_codes?: unknown };
  return typeof b.error === 'string' && typeof b.error_description === 'string' && /^AADSTS\d+: /.test(b.error_description) && Array.isArray(b.error_codes);
}

/** The token and device-code endpoints: 200 JSON (or a JWE/JWS), or a 4xx OAuth error. */
/** A path no route takes: Entra's (IIS's) HTML 404 page. */
const entra404 = (res: WireResponse) => res.status === 404 && /text\/html/.test(res.contentType) && res.body.includes('404 - File or directory not found.');

export const oauth: Shape = (res) => {
  noInternalText(res);
  if (entra404(res)) return 'error';
  if (res.status === 200) {
    if (/application\/jose/.test(res.contentType)) return 'ok';
    return (json(res), 'ok');
  }
  if (res.status >= 400 && res.status < 500 && isOAuthError(res)) return 'error';
  return defect(res, 'not an OAuth error');
};

/** MS-DVRJ: 200 JSON, or a 4xx {ErrorType, Message, TraceId, Time}; an OAuth error for the bearer token is Entra's too. */
export const drs: Shape = (res) => {
  noInternalText(res);
  if (entra404(res)) return 'error';
  if (res.status >= 200 && res.status < 300) return (json(res), 'ok');
  if (res.status >= 400 && res.status < 500) {
    const b = json(res) as Record<string, unknown>;
    if (typeof b.ErrorType === 'string' && typeof b.Message === 'string' && typeof b.TraceId === 'string') return 'error';
    if (isOAuthError(res)) return 'error';
  }
  return defect(res, 'not a DRS error');
};

/** HTML pages (authorize, login, SSO): a page, a redirect, or a 4xx; never a 5xx or a leak. */
export const page: Shape = (res) => {
  noInternalText(res);
  if (res.status >= 500) defect(res, 'a server error for bad input');
  // An error page (AADSTS text) or a redirect carrying error= is the flow's error answer.
  if (/AADSTS\d+/.test(res.body) || /[?&#]error=/.test(res.location)) return 'error';
  if (res.status >= 200 && res.status < 400) return 'ok';
  return 'error';
};
