import { describe, expect, it } from 'vitest';
import type { DbChange, TokenView } from '../../../../app/contract.js';
import { bodyDiff, dbDiffs, headerDiffs, lineDiff, messageDiff, pairInOrder, tokenDiffs } from '../../../../app/compare/diff.js';
import { jsonBodyLines, xmlBodyLines } from '../../../../app/compare/normalise.js';

const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJFVUFUb2tlbiJ9.WvhKK2w41uGd4DN1tPr28VwwKD3HdnYRogvsVAjwCvqB';
const enroll = (extra: Record<string, unknown>) => ({ method: 'POST', url: 'http://127.0.0.1:1/api/fleet/orbit/enroll', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enroll_secret: 's', hardware_uuid: '1D899474-4BB6-4B33-8DF4-F09F6896F28F', hostname: 'DESKTOP-CS4ISV6', ...extra }) });

describe('body diffs', () => {
  it('a removed eua_token is one removed line; every other line is the same', () => {
    const d = bodyDiff(enroll({ eua_token: JWT }), enroll({}));
    expect(d.language).toBe('json');
    expect(d.changed).toBe(1);
    expect(d.lines.filter((l) => l.op !== 'same')).toEqual([{ op: 'removed', a: `  "eua_token": "${JWT}"` }]);
    // Last member removed (no trailing comma above it to change): still one line.
    expect(bodyDiff(enroll({ zz: 1 }), enroll({})).changed).toBe(1);
  });

  it('values minted per run are shown (both sides) but not counted', () => {
    const d = bodyDiff(enroll({ hardware_uuid: '2D899474-4BB6-4B33-8DF4-F09F6896F28F', hostname: 'DESKTOP-4RJU9Y7' }), enroll({}));
    expect(d.changed).toBe(0);
    expect(d.volatile).toBe(2);
    expect(d.lines.find((l) => l.op === 'volatile')).toEqual({ op: 'volatile', a: '  "hardware_uuid": "2D899474-4BB6-4B33-8DF4-F09F6896F28F"', b: '  "hardware_uuid": "1D899474-4BB6-4B33-8DF4-F09F6896F28F"' });
  });

  it('identical bodies carry no lines; added lines are B\'s', () => {
    expect(bodyDiff(enroll({}), enroll({}))).toEqual({ language: 'json', changed: 0, volatile: 0, lines: [] });
    const d = lineDiff(jsonBodyLines({ a: 1 }), jsonBodyLines({ a: 1, b: 2 }));
    expect(d.lines.filter((l) => l.op === 'added')).toEqual([{ op: 'added', b: '  "b": 2' }]);
  });

  it('XML element-wise: attribute order and whitespace are no difference, a changed element text is', () => {
    const a = xmlBodyLines('<Status><CmdID>1</CmdID>\n  <Data a="1" b="2">200</Data></Status>')!;
    const b = xmlBodyLines('<Status><CmdID>1</CmdID><Data b="2" a="1">200</Data></Status>')!;
    expect(lineDiff(a, b).lines).toEqual([]);
    const c = xmlBodyLines('<Status><CmdID>1</CmdID><Data b="2" a="1">401</Data></Status>')!;
    expect(lineDiff(a, c).lines.filter((l) => l.op !== 'same')).toEqual([
      { op: 'removed', a: '  <Data a="1" b="2">200</Data>' },
      { op: 'added', b: '  <Data a="1" b="2">401</Data>' },
    ]);
  });
});

describe('header diffs', () => {
  it('names compare case-insensitively; Date, Content-Length and request ids are volatile, the rest structural', () => {
    const d = headerDiffs({ Date: 'Tue, 01 Dec 2026 20:58:02 GMT', 'Content-Type': 'application/json', 'ms-cv': 'x.1', 'content-length': '59' }, { date: 'Tue, 01 Dec 2026 20:58:06 GMT', 'content-type': 'text/html', 'ms-cv': 'y.1', 'content-length': '136', 'x-new': '1' });
    expect(d).toEqual([
      { name: 'content-length', a: '59', b: '136', volatile: true },
      { name: 'content-type', a: 'application/json', b: 'text/html', volatile: false },
      { name: 'date', a: 'Tue, 01 Dec 2026 20:58:02 GMT', b: 'Tue, 01 Dec 2026 20:58:06 GMT', volatile: true },
      { name: 'ms-cv', a: 'x.1', b: 'y.1', volatile: true },
      { name: 'x-new', a: null, b: '1', volatile: false },
    ]);
  });

  it('a request\'s method and path are a field of their own; the loopback port is not a difference', () => {
    const a = enroll({});
    const m = messageDiff(a, { ...a, url: 'http://127.0.0.1:2/api/fleet/orbit/enroll?x=1' })!;
    expect(m.headers).toEqual([{ name: ':request', a: 'POST /api/fleet/orbit/enroll', b: 'POST /api/fleet/orbit/enroll?x=1', volatile: false }]);
    expect(messageDiff(undefined, undefined)).toBeNull();
  });
});

const token = (where: string, payload: Record<string, unknown>, over: Partial<TokenView> = {}): TokenView => ({
  where, format: 'jws', raw: 'x', header: { alg: 'RS256', kid: 'k1' }, payload, signature: { verdict: 'valid' }, time: { verdict: 'valid', checkedAt: 0 }, ...over,
});

describe('token claim diffs', () => {
  it('pairs tokens by where they were found, in order; a changed claim is structural, a new iat or kid is not', () => {
    const a = [token('request body', { sub: 'EUAToken', upn: 'alice@x', iat: 1 }), token('response body', { scp: 'mdm' })];
    const b = [token('request body', { sub: 'EUAToken', upn: 'bob@x', iat: 2 }, { header: { alg: 'RS256', kid: 'k2' } })];
    const d = tokenDiffs(a, b);
    expect(d[0]).toMatchObject({ label: 'request body: EUAToken', kind: 'changed', a: 0, b: 0 });
    expect(d[0]!.claims).toEqual([
      { name: 'header.kid', a: 'k1', b: 'k2', volatile: true },
      { name: 'iat', a: '1', b: '2', volatile: true },
      { name: 'upn', a: 'alice@x', b: 'bob@x', volatile: false },
    ]);
    expect(d[1]).toMatchObject({ kind: 'only-a', a: 1, b: null, claims: [] });
  });

  it('a signature or time verdict that differs is a difference', () => {
    const d = tokenDiffs([token('h', { sub: 'x' })], [token('h', { sub: 'x' }, { time: { verdict: 'expired', checkedAt: 0 } })]);
    expect(d[0]).toMatchObject({ kind: 'changed', claims: [{ name: 'time', a: 'valid', b: 'expired', volatile: false }] });
  });
});

const change = (table: string, after: Record<string, unknown>, op: DbChange['op'] = 'insert'): DbChange => ({ party: 'mdm', table, op, before: op === 'insert' ? null : after, after: op === 'delete' ? null : after });

describe('DB change diffs', () => {
  it('pairs rows by party, table and operation in order; differing columns are listed, timestamps volatile', () => {
    const d = dbDiffs(
      [change('hosts', { id: 1, hostname: 'a', created_at: '2026-01-15T09:00:00.000Z' }), change('mdm_idp_accounts', { username: 'alice' })],
      [change('hosts', { id: 1, hostname: 'b', created_at: '2026-01-16T09:00:00.000Z' }), change('host_seen_times', { host_id: 1, seen_time: null })],
    );
    expect(d[0]).toEqual({ party: 'mdm', table: 'hosts', op: 'insert', kind: 'changed', columns: [
      { name: 'created_at', a: '2026-01-15T09:00:00.000Z', b: '2026-01-16T09:00:00.000Z', volatile: true },
      { name: 'hostname', a: 'a', b: 'b', volatile: false },
    ] });
    expect(d[1]).toEqual({ party: 'mdm', table: 'mdm_idp_accounts', op: 'insert', kind: 'only-a', columns: [{ name: 'username', a: 'alice', b: null, volatile: false }] });
    expect(d[2]).toMatchObject({ table: 'host_seen_times', kind: 'only-b', columns: [{ name: 'host_id', a: null, b: '1' }, { name: 'seen_time', a: null, b: 'NULL' }] });
  });

  it('rows with only volatile differences are the same; an update and an insert of one table do not pair', () => {
    expect(dbDiffs([change('hosts', { updated_at: 'x' })], [change('hosts', { updated_at: 'y' })])[0]!.kind).toBe('same');
    expect(dbDiffs([change('hosts', { a: 1 }, 'update')], [change('hosts', { a: 1 })]).map((c) => c.kind)).toEqual(['only-a', 'only-b']);
  });
});

describe('pairInOrder', () => {
  it('pairs the nth of a key in A with the nth in B, leftovers after', () => {
    expect(pairInOrder(['x', 'y', 'x'], ['x', 'x', 'x', 'z'], (s) => s)).toEqual([[0, 0], [1, null], [2, 1], [null, 2], [null, 3]]);
  });
});
