import { describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../../../app/contract';
import { applyEdit, headersText, parseHeaders, requestText, sameRequest, bodyEditing, requestTextForDiff } from '../../../../renderer/lib/request-edit';

const req: HttpRequest = { method: 'POST', url: 'https://mdm.test/ManagementServer/MDM.svc', headers: { 'content-type': 'application/vnd.syncml.dm+xml', authorization: 'Bearer x' }, body: '<SyncML/>' };

describe('editing a request held at the gate', () => {
  it('shows headers as Name: value lines and reads them back', () => {
    const text = headersText(req.headers);
    expect(text).toBe('content-type: application/vnd.syncml.dm+xml\nauthorization: Bearer x');
    expect(parseHeaders(text)).toEqual(req.headers);
  });

  it.each([
    ['a value with colons', 'location: https://a.test:8443/x', { location: 'https://a.test:8443/x' }],
    ['spaces around name and value', '  x-a :  1  ', { 'x-a': '1' }],
    ['a line with no colon', 'garbage\nx-b: 2', { 'x-b': '2' }],
    ['a line starting with a colon', ': nameless\nx-c: 3', { 'x-c': '3' }],
    ['an empty value', 'x-d:', { 'x-d': '' }],
    ['the same name twice (the last wins)', 'x-e: 1\nx-e: 2', { 'x-e': '2' }],
    ['nothing', '', {}],
  ])('parses headers: %s', (_name, text, want) => {
    expect(parseHeaders(text)).toEqual(want);
  });

  it('writes the request as text for the edit diff', () => {
    expect(requestText(req)).toBe('POST https://mdm.test/ManagementServer/MDM.svc\ncontent-type: application/vnd.syncml.dm+xml\nauthorization: Bearer x\n\n<SyncML/>\n');
  });

  it('compares requests by method, URL, headers (in order) and body', () => {
    expect(sameRequest(req, { ...req, headers: { ...req.headers } })).toBe(true);
    expect(sameRequest(req, { ...req, body: '<SyncML />' })).toBe(false);
    expect(sameRequest(req, { ...req, headers: { authorization: 'Bearer x', 'content-type': 'application/vnd.syncml.dm+xml' } })).toBe(false);
  });

  it('an edit makes a draft; undoing every edit leaves none', () => {
    const draft = applyEdit(req, req, { method: 'PUT' });
    expect(draft).toEqual({ ...req, method: 'PUT' });
    expect(applyEdit(req, draft!, { method: 'POST' })).toBeNull();
  });
});

describe('editing a body at the gate', () => {
  it('shows compact JSON pretty and sends it compact again', () => {
    const e = bodyEditing('{"a":1,"b":"x y"}', 'json');
    expect(e.pretty).toBe(true);
    expect(e.text).toBe('{\n  "a": 1,\n  "b": "x y"\n}');
    expect(e.toWire('{\n  "a": 2,\n  "b": "x y"\n}')).toBe('{"a":2,"b":"x y"}');
  });

  it('sends JSON that no longer parses as typed', () => {
    expect(bodyEditing('{"a":1}', 'json').toWire('{"a":')).toBe('{"a":');
  });

  it('shows minified XML pretty and minifies it again, only when that round-trips byte for byte', () => {
    const xml = '<SyncML><SyncHdr><MsgID>1</MsgID></SyncHdr><SyncBody><Final/></SyncBody></SyncML>';
    const e = bodyEditing(xml, 'xml');
    expect(e.pretty).toBe(true);
    expect(e.text.split('\n').length).toBeGreaterThan(3);
    expect(e.toWire(e.text)).toBe(xml);
  });

  it('leaves a body that is already pretty, or whose whitespace matters, as it is', () => {
    expect(bodyEditing('{\n "a": 1\n}', 'json').pretty).toBe(false);
    expect(bodyEditing('<a> <b/></a>', 'xml').pretty).toBe(false);
    expect(bodyEditing('grant_type=password', 'text')).toMatchObject({ pretty: false, text: 'grant_type=password' });
  });

  it('diffs requests on their pretty forms, so one changed value is one changed line', () => {
    const r = { method: 'POST', url: 'http://m/x', headers: {}, body: '{"a":1,"b":2}' };
    const lines = requestTextForDiff({ ...r, body: '{"a":1,"b":3}' }, 'json').split('\n');
    const before = requestTextForDiff(r, 'json').split('\n');
    expect(lines.filter((l, i) => l !== before[i])).toEqual(['  "b": 3']);
  });
});
