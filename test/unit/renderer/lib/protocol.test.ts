// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { protocolSummary, shortAction } from '../../../../renderer/lib/protocol';
import { decodeProtocol } from '../../../../emulators/lab/protocol-facts';

const rst = readFileSync('test/fixtures/mde2/enroll-rst.xml', 'utf8').replace('__TOKEN__', 'ZXlKaGJHY2lPaUpTVXpJMU5pSjk=').replace('__VALUE_TYPE__', 'urn:ietf:params:oauth:token-type:jwt');
// A client's second OMA-DM message (MS-MDM 2.2): Status for the server's commands, Results of a Get.
const syncml = readFileSync('test/fixtures/syncml/client-status-results.xml', 'utf8');

describe('SOAP action names (MS-MDE2 / WS-Trust)', () => {
  it('shortens WS-Trust and discovery actions', () => {
    expect(shortAction('http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RSTRC/wstep')).toBe('RSTRC/wstep');
    expect(shortAction('http://schemas.microsoft.com/windows/management/2012/01/enrollment/IDiscoveryService/Discover')).toBe('Discover');
  });
});

describe('the list row summary', () => {
  it('summarises the body for the list row', () => {
    const summary = (body: string) => protocolSummary(decodeProtocol({ method: 'POST', url: 'http://x/', headers: {}, body }, undefined));
    expect(summary(syncml)).toBe('SyncML Status×2 Alert Results');
    expect(summary(rst)).toBe('RST/wstep');
    expect(summary('{"a":1}')).toBeNull();
  });
});
