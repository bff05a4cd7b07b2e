import { describe, it, expect } from 'vitest';
import {
  parseSyncML,
  buildSyncML,
  syncHdr,
  statusFor,
  resultsFor,
  alert,
  nodeCommand,
  dataText,
  SyncMLParseError,
} from '../../../../emulators/protocols/syncml.js';
import { clientDigest, md5Cred } from '../../../../emulators/protocols/syncml-auth.js';

const clientFirst = `<SyncML xmlns="SYNCML:SYNCML1.2">
  <SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>1</MsgID>
    <Target><LocURI>https://mdm.example/ManagementServer/MDM.svc</LocURI></Target>
    <Source><LocURI>DEV-1</LocURI></Source></SyncHdr>
  <SyncBody>
    <Alert><CmdID>1</CmdID><Data>1201</Data></Alert>
    <Alert><CmdID>2</CmdID><Data>1224</Data><Item><Meta><Type xmlns="syncml:metinf">com.microsoft/MDM/LoginStatus</Type></Meta><Data>user</Data></Item></Alert>
    <Replace><CmdID>3</CmdID>
      <Item><Source><LocURI>./DevInfo/DevId</LocURI></Source><Data>DEV-1</Data></Item>
      <Item><Source><LocURI>./DevInfo/Man</LocURI></Source><Data>Microsoft &amp; Co</Data></Item>
    </Replace>
    <Final/>
  </SyncBody>
</SyncML>`;

describe('SyncML codec', () => {
  it('parses the MS-MDM package 1: header, alerts, replace items in document order, Final', () => {
    const m = parseSyncML(clientFirst);
    expect(m.namespace).toBe('SYNCML:SYNCML1.2');
    expect(m.hdr).toMatchObject({ verDTD: '1.2', verProto: 'DM/1.2', sessionId: '1', msgId: '1', source: 'DEV-1' });
    expect(m.commands.map((c) => c.verb)).toEqual(['Alert', 'Alert', 'Replace']);
    expect(m.commands[0]!.data).toBe('1201');
    expect(m.commands[1]!.items[0]!.meta?.type).toBe('com.microsoft/MDM/LoginStatus');
    expect(m.commands[2]!.items[1]).toEqual({ source: './DevInfo/Man', data: 'Microsoft & Co' });
    expect(m.final).toBe(true);
  });

  it('keeps embedded XML data (an MsiInstallJob) as markup, not text', () => {
    const xml = buildSyncML({
      hdr: syncHdr({ sessionId: '1', msgId: '1', target: 'DEV-1', source: 'https://mdm' }),
      commands: [nodeCommand('Exec', 'x', './Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BA%7D/DownloadInstall', { xml: '<MsiInstallJob id="{A}"><Product Version="1.0"/></MsiInstallJob>' }, { type: 'text/plain', format: 'xml' })],
      final: true,
    });
    const cmd = parseSyncML(xml).commands[0]!;
    expect(cmd.verb).toBe('Exec');
    expect(cmd.items[0]!.meta).toEqual({ type: 'text/plain', format: 'xml' });
    expect(dataText(cmd.items[0]!.data)).toBe('<MsiInstallJob id="{A}"><Product Version="1.0"/></MsiInstallJob>');
  });

  it('round-trips Status with a challenge, Results, Alert and raw queued commands', () => {
    const xml = buildSyncML({
      hdr: syncHdr({ sessionId: '7', msgId: '2', target: 'DEV-1', source: 'https://mdm', cred: md5Cred('DEV-1', 'pw', 'n') }),
      commands: [
        statusFor({ cmdId: '1', msgRef: '1', cmdRef: '0', cmd: 'SyncHdr', code: '407', chal: { type: 'syncml:auth-md5', format: 'b64', nextNonce: 'bm9uY2U=' } }),
        resultsFor({ cmdId: '2', msgRef: '1', cmdRef: 'abc', items: [{ source: './DevDetail/SwV', meta: { format: 'chr' }, data: '10.0' }] }),
        alert('3', '1226', [{ meta: { type: 'com.microsoft:mdm.unenrollment.userrequest', format: 'int' }, data: '1' }]),
        '<Get><CmdID>q-1</CmdID><Item><Target><LocURI>./DevDetail/HwV</LocURI></Target></Item></Get>',
      ],
      final: true,
    });
    const m = parseSyncML(xml);
    expect(m.hdr.cred).toEqual({ type: 'syncml:auth-md5', format: 'b64', data: clientDigest('DEV-1', 'pw', 'n') });
    expect(m.commands[0]).toMatchObject({ verb: 'Status', cmdRef: '0', cmd: 'SyncHdr', data: '407', chal: { nextNonce: 'bm9uY2U=' } });
    expect(m.commands[1]).toMatchObject({ verb: 'Results', cmdRef: 'abc', items: [{ source: './DevDetail/SwV', data: '10.0' }] });
    expect(m.commands[2]!.items[0]!.meta?.type).toBe('com.microsoft:mdm.unenrollment.userrequest');
    expect(m.commands[3]).toMatchObject({ verb: 'Get', cmdId: 'q-1', items: [{ target: './DevDetail/HwV' }] });
  });

  it('parses Atomic with its nested commands', () => {
    const m = parseSyncML(
      `<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr/><SyncBody><Atomic><CmdID>a</CmdID><Replace><CmdID>b</CmdID><Item><Target><LocURI>./x</LocURI></Target><Data>1</Data></Item></Replace></Atomic></SyncBody></SyncML>`,
    );
    expect(m.commands[0]!.verb).toBe('Atomic');
    expect(m.commands[0]!.commands?.map((c) => [c.verb, c.cmdId])).toEqual([['Replace', 'b']]);
  });

  it('rejects text that is not XML, and XML that is not SyncML', () => {
    expect(() => parseSyncML('garbage')).toThrow(SyncMLParseError);
    expect(() => parseSyncML('<SyncML><SyncHdr></SyncML>')).toThrow(SyncMLParseError);
    expect(() => parseSyncML('<Envelope/>')).toThrow(SyncMLParseError);
  });
});
