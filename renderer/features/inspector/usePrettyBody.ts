import { useEffect, useState } from 'react';
import type { HttpRequest, HttpResponse } from '../../../app/contract';
import { cachedPretty, prettyOf, storePretty } from '../../lib/body-cache';
import { available, decodeInWorker } from '../../lib/decode-client';
import { rawLanguage, type PrettyBody } from '../../lib/pretty';

/** Bodies this large are pretty-printed in the decode worker; smaller ones cost well under a millisecond in place. */
export const WORKER_THRESHOLD = 128 * 1024;

/**
 * The pretty view of a message body, memoised per message. A large body is decoded off the UI thread: until the
 * worker answers, `pending` is true and the caller shows the raw body.
 */
export function usePrettyBody(msg: HttpRequest | HttpResponse, enabled: boolean): { pretty: PrettyBody | null; pending: boolean } {
  const big = available && msg.body.length >= WORKER_THRESHOLD;
  const [, rerender] = useState(0);
  useEffect(() => {
    if (!enabled || !big || cachedPretty(msg)) return;
    let live = true;
    const done = (p: PrettyBody) => {
      storePretty(msg, p);
      if (live) rerender((n) => n + 1);
    };
    decodeInWorker(msg).then(done, () => done({ language: rawLanguage(msg.body, msg.headers, msg.bodyEncoding), text: msg.body }));
    return () => {
      live = false;
    };
  }, [msg, enabled, big]);
  if (!enabled) return { pretty: null, pending: false };
  if (!big) return { pretty: prettyOf(msg), pending: false };
  const pretty = cachedPretty(msg);
  return { pretty, pending: pretty === null };
}
