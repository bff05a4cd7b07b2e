import { describe, expect, it } from 'vitest';
import { handleDecode } from '../../../../renderer/lib/decode-protocol';

describe('the decode worker\'s handler', () => {
  it('answers a pretty request with the indented body under the same id', () => {
    const r = handleDecode({ id: 7, kind: 'pretty', body: '<a><b>1</b></a>', headers: { 'content-type': 'application/xml' } });
    expect(r).toEqual({ id: 7, ok: true, pretty: { language: 'xml', text: '<a>\n  <b>1</b>\n</a>' } });
  });

  it('formats JSON bodies too', () => {
    const r = handleDecode({ id: 8, kind: 'pretty', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(r.ok && r.pretty.text).toBe('{\n  "a": 1\n}');
  });
});
