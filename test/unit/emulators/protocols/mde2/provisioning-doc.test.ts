import { describe, it, expect } from 'vitest';
import {
  buildWapProvisioningDoc,
  parseWapProvisioningDoc,
  characteristic,
  findCharacteristic,
  parmValue,
} from '../../../../../emulators/protocols/mde2/provisioning-doc.js';

const doc = [
  characteristic('CertificateStore', [], [characteristic('Root', [], [characteristic('System', [], [characteristic('ABCD', [{ name: 'EncodedCertificate', value: 'TUlJ' }])])])]),
  characteristic('APPLICATION', [{ name: 'APPID', value: 'w7' }, { name: 'BACKCOMPATRETRYDISABLED' }, { name: 'CONNRETRYFREQ', value: '6' }]),
];

describe('wap-provisioningdoc (MS-MDE2 2.2.9.1)', () => {
  it('serialises as Fleet: XML header, two-space indents kept, newlines and tabs removed, explicit end tags', () => {
    expect(buildWapProvisioningDoc(doc)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><wap-provisioningdoc version="1.1">  <characteristic type="CertificateStore">    <characteristic type="Root">      <characteristic type="System">        <characteristic type="ABCD">          <parm name="EncodedCertificate" value="TUlJ"></parm>        </characteristic>      </characteristic>    </characteristic>  </characteristic>  <characteristic type="APPLICATION">    <parm name="APPID" value="w7"></parm>    <parm name="BACKCOMPATRETRYDISABLED"></parm>    <parm name="CONNRETRYFREQ" value="6"></parm>  </characteristic></wap-provisioningdoc>',
    );
  });

  it('parses back into the same characteristic tree', () => {
    const parsed = parseWapProvisioningDoc(buildWapProvisioningDoc(doc));
    expect(parsed.version).toBe('1.1');
    expect(parmValue(findCharacteristic(parsed.characteristics, 'CertificateStore', 'Root', 'System', 'ABCD'), 'EncodedCertificate')).toBe('TUlJ');
    expect(findCharacteristic(parsed.characteristics, 'APPLICATION')!.parms).toEqual([{ name: 'APPID', value: 'w7' }, { name: 'BACKCOMPATRETRYDISABLED' }, { name: 'CONNRETRYFREQ', value: '6' }]);
  });

  it('encodes a parsed doc back to the same bytes', () => {
    const xml = buildWapProvisioningDoc(doc);
    const parsed = parseWapProvisioningDoc(xml);
    expect(buildWapProvisioningDoc(parsed.characteristics, parsed.version)).toBe(xml);
  });
});
