import type { Step } from '../contract.js';

/** HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) of a run's HTTP steps, for any HAR viewer. */
export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    entries: HarEntry[];
  };
}

interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string; url: string; httpVersion: string; headers: { name: string; value: string }[]; queryString: { name: string; value: string }[];
    cookies: []; headersSize: -1; bodySize: number; postData?: { mimeType: string; text: string };
  };
  response: {
    status: number; statusText: string; httpVersion: string; headers: { name: string; value: string }[]; cookies: [];
    content: { size: number; mimeType: string; text: string; encoding?: 'base64' }; redirectURL: string; headersSize: -1; bodySize: number;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  comment: string;
}

const pairs = (h: Record<string, string>) => Object.entries(h).map(([name, value]) => ({ name, value }));

export function toHar(steps: readonly Step[]): Har {
  const entries: HarEntry[] = [];
  for (const s of steps) {
    if (s.kind !== 'http' || !s.request || !s.response) continue;
    let query: { name: string; value: string }[] = [];
    try {
      query = [...new URL(s.request.url).searchParams].map(([name, value]) => ({ name, value }));
    } catch {
      /* not an absolute URL */
    }
    const reqType = s.request.headers['content-type'] ?? '';
    entries.push({
      startedDateTime: new Date(s.startedAt).toISOString(),
      time: s.durationMs,
      request: {
        method: s.request.method, url: s.request.url, httpVersion: 'HTTP/1.1', headers: pairs(s.request.headers), queryString: query,
        cookies: [], headersSize: -1, bodySize: Buffer.byteLength(s.request.body),
        ...(s.request.body ? { postData: { mimeType: reqType, text: s.request.body } } : {}),
      },
      response: {
        status: s.response.status, statusText: '', httpVersion: 'HTTP/1.1', headers: pairs(s.response.headers), cookies: [],
        content: {
          size: Buffer.byteLength(s.response.body), mimeType: s.response.headers['content-type'] ?? '', text: s.response.body,
          ...(s.response.bodyEncoding === 'base64' ? { encoding: 'base64' as const } : {}),
        },
        redirectURL: s.response.headers.location ?? '', headersSize: -1, bodySize: Buffer.byteLength(s.response.body),
      },
      cache: {},
      timings: { send: 0, wait: s.durationMs, receive: 0 },
      comment: `step ${s.index + 1}: ${s.from} → ${s.to}: ${s.title}`,
    });
  }
  return { log: { version: '1.2', creator: { name: 'Enrollscope', version: '0.1.0' }, entries } };
}
