import { describe, expect, it } from 'vitest';
import { continuableErrorText, espWire } from '../../../../../emulators/mdm/management/esp.js';

const SUFFIX = 'Reset your device to try again, or proceed and install missing software via self-service. If unavailable, contact your IT admin.';

describe('Fleet ESP texts and wire form (server/mdm/microsoft/esp.go, server/service/microsoft_mdm.go)', () => {
  it('ESPSoftwareFailureContinuableErrorText lists the failed software: "A", "A and B", "A, B, and C", then "N more"', () => {
    expect(continuableErrorText(['Acme VPN'])).toBe(`Acme VPN failed to install. ${SUFFIX}`);
    expect(continuableErrorText(['A', 'B'])).toBe(`A and B failed to install. ${SUFFIX}`);
    expect(continuableErrorText(['A', '', 'B', 'C'])).toBe(`A, B, and C failed to install. ${SUFFIX}`);
    expect(continuableErrorText(['A', 'B', 'C', 'D', 'E'])).toBe(`A, B, C, and 2 more failed to install. ${SUFFIX}`);
    expect(continuableErrorText([''])).toBe(`Some software failed to install. ${SUFFIX}`);
  });

  it('marshals a command as Go does: CmdID, Item {Target, Meta {Type, Format}, Data}, text escaped', () => {
    expect(espWire({ verb: 'Replace', cmdId: 'c1', target: './Device/X', format: 'chr', data: 'a < b & c' })).toBe(
      '<Replace><CmdID>c1</CmdID><Item><Target><LocURI>./Device/X</LocURI></Target><Meta><Type xmlns="syncml:metinf">text/plain</Type><Format xmlns="syncml:metinf">chr</Format></Meta><Data>a &lt; b &amp; c</Data></Item></Replace>',
    );
    expect(espWire({ verb: 'Add', cmdId: 'c2', target: './User/Y', format: 'node' })).toBe(
      '<Add><CmdID>c2</CmdID><Item><Target><LocURI>./User/Y</LocURI></Target><Meta><Format xmlns="syncml:metinf">node</Format></Meta></Item></Add>',
    );
  });
});
