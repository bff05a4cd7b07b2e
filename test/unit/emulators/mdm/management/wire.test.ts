import { describe, it, expect } from 'vitest';
import { marshalPendingCommand } from '../../../../../emulators/mdm/management/wire.js';

// Fleet getPendingMDMCmds (server/service/microsoft_mdm.go, #53280): stored command → SyncMLCmd structs → xml.Marshal.
describe('marshalPendingCommand (the wire form of a queued command)', () => {
  it('writes Go\'s compact marshal: struct field order, Meta Type before Format, unknown elements dropped, text re-escaped', () => {
    const stored = [
      '<Replace>',
      '  <CmdID>c-1</CmdID>',
      '  <NoResp/>',
      '  <Item>',
      '    <Meta><Format xmlns="syncml:metinf">chr</Format><Type xmlns="syncml:metinf">text/plain</Type></Meta>',
      "    <Target><LocURI>./Device/Vendor/MSFT/Policy/Config/X/Y'Z</LocURI></Target>",
      '    <Data>a &amp; b</Data>',
      '  </Item>',
      '</Replace>',
    ].join('\n');
    const wire = marshalPendingCommand(stored);
    expect(wire).toEqual({
      ok: true,
      xml:
        '<Replace><CmdID>c-1</CmdID><Item><Target><LocURI>./Device/Vendor/MSFT/Policy/Config/X/Y&#39;Z</LocURI></Target>' +
        '<Meta><Type xmlns="syncml:metinf">text/plain</Type><Format xmlns="syncml:metinf">chr</Format></Meta><Data>a &amp; b</Data></Item></Replace>',
    });
  });

  it('keeps Data\'s inner XML byte for byte (RawXmlData innerxml) and splits several top-level commands', () => {
    const job = '\n\t\t\t<MsiInstallJob id="{X}">\n\t\t\t<Product Version="1.0.0.0"/>\n\t\t\t</MsiInstallJob>\n\t\t';
    const stored = `\n<Add>\n\t<CmdID>add-1</CmdID>\n\t<Item><Target><LocURI>./A</LocURI></Target></Item>\n</Add>\n<Exec>\n\t<CmdID>exec-1</CmdID>\n\t<Item>\n\t\t<Target><LocURI>./A</LocURI></Target>\n\t\t<Data>${job}</Data>\n\t</Item>\n</Exec>\n`;
    const wire = marshalPendingCommand(stored);
    expect(wire).toEqual({
      ok: true,
      xml: `<Add><CmdID>add-1</CmdID><Item><Target><LocURI>./A</LocURI></Target></Item></Add><Exec><CmdID>exec-1</CmdID><Item><Target><LocURI>./A</LocURI></Target><Data>${job}</Data></Item></Exec>`,
    });
  });

  it('writes an Atomic\'s nested Replace commands before its Add commands (SyncMLCmd.ReplaceCommands, then AddCommands)', () => {
    const stored = '<Atomic><CmdID>a</CmdID><Add><CmdID>n1</CmdID><Item><Target><LocURI>./N</LocURI></Target></Item></Add><Replace><CmdID>r1</CmdID><Item><Target><LocURI>./R</LocURI></Target><Data>1</Data></Item></Replace></Atomic>';
    const wire = marshalPendingCommand(stored);
    expect(wire.ok && wire.xml).toBe(
      '<Atomic><CmdID>a</CmdID><Replace><CmdID>r1</CmdID><Item><Target><LocURI>./R</LocURI></Target><Data>1</Data></Item></Replace><Add><CmdID>n1</CmdID><Item><Target><LocURI>./N</LocURI></Target></Item></Add></Atomic>',
    );
  });

  it('refuses a raw & with Go\'s decoder error, naming the line (an enroll secret s3cr&t<x in the MSI command line)', () => {
    const stored = '<Exec>\n\t<CmdID>e</CmdID>\n\t<Item><Data><MsiInstallJob><CommandLine>/quiet FLEET_SECRET="s3cr&t<x"</CommandLine></MsiInstallJob></Data></Item>\n</Exec>';
    expect(marshalPendingCommand(stored)).toEqual({ ok: false, error: 'XML syntax error on line 3: invalid character entity &t (no semicolon)' });
    expect(marshalPendingCommand('<Get><CmdID>1</CmdID><Item><Data>a & b</Data></Item></Get>')).toEqual({
      ok: false,
      error: 'XML syntax error on line 1: invalid character entity & (no semicolon)',
    });
  });

  it('refuses XML that is not well formed (a stray <)', () => {
    const wire = marshalPendingCommand('<Get><CmdID>1</CmdID><Item><Data>a < b</Data></Item></Get>');
    expect(wire.ok).toBe(false);
  });
});
