import { describe, expect, it } from 'vitest';
import { bodyLines, formBodyLines, jsonBodyLines, maskValue, xmlBodyLines } from '../../../../app/compare/normalise.js';

const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJFVUFUb2tlbiJ9.WvhKK2w41uGd4DN1tPr28VwwKD3HdnYRogvsVAjwCvqB';

describe('body lines for a diff', () => {
  it('JSON: members sorted, one per line, without trailing commas', () => {
    const b = jsonBodyLines({ platform: 'windows', eua_token: JWT, hostname: 'DESKTOP-CS4ISV6', tags: ['a'], empty: {} });
    expect(b.lines).toEqual(['{', '  "empty": {}', `  "eua_token": "${JWT}"`, '  "hostname": "DESKTOP-CS4ISV6"', '  "platform": "windows"', '  "tags": [', '    "a"', '  ]', '}']);
    expect(b.masked[2]).toBe('  "eua_token": "<jwt>"');
    expect(b.masked[3]).toBe('  "hostname": "DESKTOP-<name>"');
  });

  it('masks a value by the name of its field (created_at, nonce, orbit_node_key) whatever it looks like', () => {
    const b = jsonBodyLines({ created_at: 'yesterday', nonce: 'abc', orbit_node_key: 'short', name: 'abc' });
    expect(b.masked).toEqual(['{', '  "created_at": <volatile>', '  "name": "abc"', '  "nonce": <volatile>', '  "orbit_node_key": <volatile>', '}']);
  });

  it('masks a JWK\'s kid and x5t by name: a key thumbprint of 27 base64url characters may hold no digit', () => {
    const b = jsonBodyLines({ keys: [{ kid: 'vnvCyIuBtraDQQhYrdUZOreWJlM', x5t: 'vnvCyIuBtraDQQhYrdUZOreWJlM', kty: 'RSA' }] });
    expect(b.masked).toEqual(['{', '  "keys": [', '    {', '      "kid": <volatile>', '      "kty": "RSA"', '      "x5t": <volatile>', '    }', '  ]', '}']);
  });

  it('masks ids, ports, times, MACs and opaque base64 by their shape, and leaves words and LocURIs alone', () => {
    expect(maskValue('http://127.0.0.1:34755/api/mdm/microsoft/management')).toBe('http://127.0.0.1:<port>/api/mdm/microsoft/management');
    expect(maskValue('urn:uuid:1d899474-4bb6-4b33-8df4-f09f6896f28f')).toBe('urn:uuid:<uuid>');
    expect(maskValue('2026-01-15T09:00:00.000Z, Tue, 01 Dec 2026 20:58:02 GMT')).toBe('<time>, <time>');
    expect(maskValue('00-15-5D-AE-85-A6 D9F1-53920143')).toBe('<mac> <serial>');
    expect(maskValue('secret i0ya/KB5x2mRXV+2OJVF8tvnk333smm8')).toBe('secret <opaque>');
    expect(maskValue('E51C3B50195735DF7C2E8F4F9ACABE43')).toBe('<hex>');
    expect(maskValue('0.A-ZgeE39dlXxJIT2MeGbqYOuDIrhXHOi7k_VtB12ca0m2.DfDJluepeRtJ.1J_DUe476z')).toBe('<refresh-token>');
    expect(maskValue('END_USER_AUTH_REQUIRED ./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI MDMDeviceEnrolledEnrolled 1201')).toBe('END_USER_AUTH_REQUIRED ./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI MDMDeviceEnrolledEnrolled 1201');
  });

  it('masks a padded base64 digest even when it holds no digit (the SyncML Cred of MS-MDM 2.2.2.1), but not a LocURI', () => {
    expect(maskValue('<Data>UTotkCQGGMmPlrXPYePT/g==</Data>')).toBe('<Data><opaque></Data>');
    expect(maskValue('./Vendor/MSFT/DMClient/Provider/MS DM Server/EntDMID')).toBe('./Vendor/MSFT/DMClient/Provider/MS DM Server/EntDMID');
  });

  it('XML: one element per line, attributes sorted, text-only elements inline, volatile elements masked', () => {
    const x = xmlBodyLines('<s:Envelope xmlns:s="S" xmlns:a="A"><s:Header><a:MessageID>urn:uuid:x</a:MessageID><a:Action s:mustUnderstand="1">Discover</a:Action></s:Header><s:Body/></s:Envelope>')!;
    expect(x.lines).toEqual([
      '<s:Envelope xmlns:a="A" xmlns:s="S">',
      '  <s:Header>',
      '    <a:MessageID>urn:uuid:x</a:MessageID>',
      '    <a:Action s:mustUnderstand="1">Discover</a:Action>',
      '  </s:Header>',
      '  <s:Body/>',
      '</s:Envelope>',
    ]);
    expect(x.masked[2]).toBe('    <a:MessageID><volatile></a:MessageID>');
    expect(xmlBodyLines('<a><b></a>')).toBeNull();
  });

  it('forms: decoded fields sorted by name; a binary body is one line; types come from the content type or the look', () => {
    expect(formBodyLines('scope=openid+profile&grant_type=password').lines).toEqual(['grant_type=password', 'scope=openid profile']);
    expect(bodyLines('TVqQAAMAAAAEAAAA', {}, 'base64')).toMatchObject({ language: 'binary', lines: ['(binary, 12 bytes)'] });
    expect(bodyLines('{"a":1}', { 'Content-Type': 'application/json' }).language).toBe('json');
    expect(bodyLines('<SyncML><SyncHdr/></SyncML>', { 'content-type': 'application/vnd.syncml.dm+xml' }).language).toBe('xml');
    expect(bodyLines('<a><b></a>', { 'content-type': 'application/xml' }).language).toBe('text');
    expect(bodyLines('a=1&b=2', {}).language).toBe('form');
    expect(bodyLines('', {}).language).toBe('none');
  });
});

describe('maskValue: the SIDs of a join reply', () => {
  it('masks an S-1-12-1 SID (minted from a per-run object id) but keeps a well-known SID', () => {
    expect(maskValue('S-1-12-1-3765319062-1328644800-2588105388-3258814000')).toBe('S-1-12-1-<sid>');
    expect(maskValue('S-1-5-32-544')).toBe('S-1-5-32-544');
  });
});
