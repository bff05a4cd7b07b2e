// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { COMMAND_TEMPLATES, answerTo, cmdIdOf, commandXml, withCmdId } from '../../../../renderer/lib/syncml-templates';

const syncml = (body: string) => `<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><SessionID>3</SessionID><MsgID>2</MsgID></SyncHdr><SyncBody>${body}<Final/></SyncBody></SyncML>`;
const devReq = (index: number, body: string) => ({ index, from: 'device', to: 'mdm', request: { body } });

describe('SyncML command templates', () => {
  it('writes a Get of the template path with the CmdID given', () => {
    const swv = COMMAND_TEMPLATES.find((t) => t.locUri === './DevDetail/SwV')!;
    const xml = commandXml(swv, 'abc-1');
    expect(xml).toContain('<Get>');
    expect(xml).toContain('<LocURI>./DevDetail/SwV</LocURI>');
    expect(cmdIdOf(xml)).toBe('abc-1');
    expect(new DOMParser().parseFromString(xml, 'application/xml').getElementsByTagName('parsererror')).toHaveLength(0);
  });

  it('offers the Fleet EntDMID and SMBIOS serial Gets', () => {
    const paths = COMMAND_TEMPLATES.map((t) => t.locUri);
    expect(paths).toContain('./Vendor/MSFT/DMClient/Provider/Fleet/EntDMID');
    expect(paths).toContain('./DevDetail/Ext/Microsoft/SMBIOSSerialNumber');
    expect(paths).toContain('./DevInfo/Mod');
  });

  it('renews the CmdID of an edited command and keeps the rest', () => {
    const xml = '<Replace><CmdID>old</CmdID><Item><Data>x</Data></Item></Replace>';
    expect(withCmdId(xml, 'new')).toBe('<Replace><CmdID>new</CmdID><Item><Data>x</Data></Item></Replace>');
  });
});

describe('answerTo: the device\'s Status and Results for a queued command', () => {
  it('finds the Results whose CmdRef is the command and reads each item', () => {
    const steps = [
      devReq(0, syncml('<Status><CmdID>1</CmdID><MsgRef>1</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>200</Data></Status>')),
      devReq(1, syncml('<Status><CmdID>2</CmdID><MsgRef>1</MsgRef><CmdRef>c-1</CmdRef><Cmd>Get</Cmd><Data>200</Data></Status><Results><CmdID>3</CmdID><MsgRef>1</MsgRef><CmdRef>c-1</CmdRef><Item><Source><LocURI>./DevDetail/SwV</LocURI></Source><Data>10.0.22631.4602</Data></Item></Results>')),
    ];
    expect(answerTo(steps, 'c-1')).toEqual({ stepIndex: 1, status: '200', results: [{ locUri: './DevDetail/SwV', data: '10.0.22631.4602' }] });
  });

  it('reports a refused Get by its Status alone (404: no such node)', () => {
    const steps = [devReq(4, syncml('<Status><CmdID>2</CmdID><MsgRef>1</MsgRef><CmdRef>c-2</CmdRef><Cmd>Get</Cmd><Data>404</Data></Status>'))];
    expect(answerTo(steps, 'c-2')).toEqual({ stepIndex: 4, status: '404', results: [] });
  });

  it('is null while the command has not been answered, and ignores the server\'s own messages', () => {
    const server = { index: 0, from: 'mdm', to: 'device', request: { body: syncml('<Get><CmdID>c-3</CmdID></Get>') } };
    expect(answerTo([server], 'c-3')).toBeNull();
  });
});
