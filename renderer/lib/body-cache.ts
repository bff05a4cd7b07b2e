import type { HttpRequest, HttpResponse } from '../../app/contract';
import { outline, type Outline } from './outline';
import { prettyBody, type PrettyBody } from './pretty';

/**
 * Decoded views of a message, computed once per message object and kept while the step lives: a WeakMap keyed by
 * the request/response object, so a replaced step (edited at the gate, closed) gets fresh views and nothing leaks.
 */
interface Views {
  pretty?: PrettyBody;
  outline?: Outline | null;
}
const cache = new WeakMap<HttpRequest | HttpResponse, Views>();

function views(msg: HttpRequest | HttpResponse): Views {
  let v = cache.get(msg);
  if (!v) cache.set(msg, (v = {}));
  return v;
}

export function prettyOf(msg: HttpRequest | HttpResponse): PrettyBody {
  const v = views(msg);
  return (v.pretty ??= prettyBody(msg.body, msg.headers, msg.bodyEncoding));
}

export function outlineOf(msg: HttpRequest | HttpResponse): Outline | null {
  const v = views(msg);
  if (v.outline === undefined) v.outline = msg.bodyEncoding === 'base64' ? null : outline(msg.body);
  return v.outline;
}

/** The pretty view if it was made already (by prettyOf or by the decode worker), else null. */
export function cachedPretty(msg: HttpRequest | HttpResponse): PrettyBody | null {
  return cache.get(msg)?.pretty ?? null;
}

/** Keep a pretty view the decode worker made. */
export function storePretty(msg: HttpRequest | HttpResponse, pretty: PrettyBody): void {
  views(msg).pretty = pretty;
}
