import { prettyBody, type BodyLanguage, type PrettyBody } from './pretty';

/**
 * The typed request/response pair of the decode worker (STYLE.md "Heavy work off the UI thread", after HTTP
 * Toolkit's ui-worker): pretty-printing a large body runs in lib/decode.worker.ts, never in render.
 */
export interface DecodeRequest {
  id: number;
  kind: 'pretty';
  body: string;
  headers: Record<string, string>;
  encoding?: 'utf8' | 'base64';
}

export type DecodeResponse = { id: number; ok: true; pretty: PrettyBody } | { id: number; ok: false; error: string };

/** What the worker does with one request: pure, so it is unit-tested without a worker. */
export function handleDecode(req: DecodeRequest): DecodeResponse {
  try {
    return { id: req.id, ok: true, pretty: prettyBody(req.body, req.headers, req.encoding) };
  } catch (e) {
    return { id: req.id, ok: false, error: (e as Error).message };
  }
}

export type { BodyLanguage, PrettyBody };
