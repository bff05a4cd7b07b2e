import { handleDecode, type DecodeRequest, type DecodeResponse } from './decode-protocol';

/** The decode worker: one request in, one response out (see decode-protocol.ts). */
const scope = self as unknown as { onmessage: ((e: MessageEvent<DecodeRequest>) => void) | null; postMessage(m: DecodeResponse): void };
scope.onmessage = (e) => scope.postMessage(handleDecode(e.data));
