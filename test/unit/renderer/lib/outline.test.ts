// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { outline, provisioningDoc, type OutlineNode } from '../../../../renderer/lib/outline';

const rst = readFileSync('test/fixtures/mde2/enroll-rst.xml', 'utf8').replace('__TOKEN__', 'ZXlKaGJHY2lPaUpTVXpJMU5pSjk=').replace('__VALUE_TYPE__', 'urn:ietf:params:oauth:token-type:jwt');

const find = (nodes: OutlineNode[], label: string): OutlineNode | undefined => {
  for (const n of nodes) {
    if (n.label === label) return n;
    const hit = n.children && find(n.children, label);
    if (hit) return hit;
  }
  return undefined;
};

// A client's second OMA-DM message (MS-MDM 2.2): Status for the server's commands, Results of a Get.
const syncml = readFileSync('test/fixtures/syncml/client-status-results.xml', 'utf8');

describe('SOAP outline (MS-MDE2 / WS-Trust)', () => {
  it('names the SOAP action of the enroll request and what it is for', () => {
    const o = outline(rst)!;
    expect(o.protocol).toBe('soap');
    expect(o.title).toBe('SOAP RST/wstep');
    expect(find(o.nodes, 'Action')!.meaning).toMatch(/RequestSecurityToken/);
  });

  it('lists the WS-Trust items: token type, the PKCS#10 BinarySecurityToken and every context item by name', () => {
    const o = outline(rst)!;
    const rstNode = find(o.nodes, 'RequestSecurityToken')!;
    expect(find(rstNode.children!, 'TokenType')!.value).toMatch(/DeviceEnrollmentToken$/);
    expect(find(rstNode.children!, 'BinarySecurityToken')!.meaning).toMatch(/PKCS#10/);
    expect(find(rstNode.children!, 'HWDevID')).toBeDefined();
    expect(find(rstNode.children!, 'DeviceName')).toBeDefined();
  });

  it('explains the header token as an Entra access token', () => {
    const sec = find(outline(rst)!.nodes, 'wsse:Security')!;
    expect(sec.children![0]!.meaning).toMatch(/Entra access token/);
  });

  it('shows a SOAP fault with its subcode and reason as an error', () => {
    const fault = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:receiver</s:Value><s:Subcode><s:Value>s:messageformat</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-us">invalid binary security token</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`;
    const f = find(outline(fault)!.nodes, 'Fault')!;
    expect(f.tone).toBe('error');
    expect(find(f.children!, 'Subcode')!.value).toBe('s:messageformat');
    expect(find(f.children!, 'Reason')!.value).toBe('invalid binary security token');
  });

  it('opens the base64 wap-provisioningdoc and names its characteristics', () => {
    const doc = '<wap-provisioningdoc version="1.1"><characteristic type="CertificateStore"/><characteristic type="APPLICATION"><parm name="ADDR" value="https://x"/></characteristic></wap-provisioningdoc>';
    const o = provisioningDoc(btoa(doc))!;
    expect(o.nodes.map((n) => n.label)).toEqual(['characteristic CertificateStore', 'characteristic APPLICATION']);
    expect(o.nodes[1]!.children![0]).toEqual({ label: 'ADDR', value: 'https://x' });
  });
});

describe('SyncML outline (MS-MDM)', () => {
  const o = outline(syncml)!;

  it('lists every command with its CmdID', () => {
    expect(o.protocol).toBe('syncml');
    expect(o.nodes.map((n) => n.label)).toEqual(['SyncHdr', 'Status #1', 'Status #2', 'Alert #3', 'Results #4', 'Final']);
  });

  it('gives each Status its meaning and the command it answers', () => {
    expect(o.nodes[1]).toMatchObject({ value: '200', tone: 'ok' });
    expect(o.nodes[1]!.meaning).toBe('OK: the command completed: for SyncHdr #0 (msg 1)');
    expect(o.nodes[2]).toMatchObject({ value: '404', tone: 'error' });
    expect(o.nodes[2]!.meaning).toMatch(/^Not found.*for Exec #4/);
  });

  it('names the alert code and the CSP behind each item path', () => {
    expect(o.nodes[3]!.meaning).toBe('Generic alert (result of an asynchronous command)');
    const item = o.nodes[3]!.children![0]!;
    expect(item.value).toBe('./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/{A427}/DownloadInstall');
    expect(item.meaning).toMatch(/EnterpriseDesktopAppManagement CSP/);
    expect(o.nodes[4]!.children![0]).toMatchObject({ label: 'Source', value: './DevDetail/SwV' });
  });

  it('leaves non-XML bodies alone', () => {
    expect(outline('{"eua_token":"x"}')).toBeNull();
    expect(outline('<not closed')).toBeNull();
  });
});
