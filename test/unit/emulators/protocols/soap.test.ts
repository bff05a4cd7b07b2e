import { describe, it, expect } from 'vitest';
import {
  NS,
  BASE64_BINARY,
  parseSoapEnvelope,
  SoapParseError,
  decodeBase64Any,
  buildResponseEnvelope,
  renderResponse,
  soapFaultBody,
  readSoapFault,
  buildRequestEnvelope,
} from '../../../../emulators/protocols/soap.js';

const envelope = (prefixS: string, prefixA: string, extra = '') => `<?xml version="1.0"?>
<${prefixS}:Envelope xmlns:${prefixS}="${NS.s}" xmlns:${prefixA}="${NS.a}" xmlns:wsse="${NS.wsse}">
  <${prefixS}:Header>
    <${prefixA}:Action ${prefixS}:mustUnderstand="1">urn:act</${prefixA}:Action>
    <${prefixA}:MessageID>urn:uuid:1</${prefixA}:MessageID>
    <${prefixA}:ReplyTo><${prefixA}:Address>http://www.w3.org/2005/08/addressing/anonymous</${prefixA}:Address></${prefixA}:ReplyTo>
    <${prefixA}:To ${prefixS}:mustUnderstand="1">https://mdm.example/x</${prefixA}:To>
    ${extra}
  </${prefixS}:Header>
  <${prefixS}:Body><Ping xmlns="urn:p"/></${prefixS}:Body>
</${prefixS}:Envelope>`;

describe('SOAP 1.2 envelope parsing', () => {
  it('reads the WS-Addressing header fields and the body message', () => {
    const env = parseSoapEnvelope(envelope('s', 'a'));
    expect(env.header).toEqual({ action: 'urn:act', messageId: 'urn:uuid:1', replyToAddress: 'http://www.w3.org/2005/08/addressing/anonymous', to: 'https://mdm.example/x', security: null });
    expect(env.messages.map((m) => m.localName)).toEqual(['Ping']);
    expect(env.declaresS && env.declaresA).toBe(true);
  });

  it('reads fields whatever the prefixes, but reports that the s and a declarations are missing (Fleet checks them)', () => {
    const env = parseSoapEnvelope(envelope('soap', 'wsa'));
    expect(env.header.action).toBe('urn:act');
    expect(env.declaresS).toBe(false);
    expect(env.declaresA).toBe(false);
  });

  it('reads the WS-Security BinarySecurityToken with its ValueType and EncodingType', () => {
    const env = parseSoapEnvelope(
      envelope('s', 'a', `<wsse:Security s:mustUnderstand="1"><wsse:BinarySecurityToken ValueType="urn:ietf:params:oauth:token-type:jwt" EncodingType="${BASE64_BINARY}">
        ZXlK </wsse:BinarySecurityToken></wsse:Security>`),
    );
    expect(env.header.security).toEqual({ binarySecurityToken: { valueType: 'urn:ietf:params:oauth:token-type:jwt', encodingType: BASE64_BINARY, content: 'ZXlK' } });
  });

  it('throws SoapParseError on XML that is not well formed', () => {
    expect(() => parseSoapEnvelope('garbage')).toThrow(SoapParseError);
    expect(() => parseSoapEnvelope('<s:Envelope xmlns:s="x"><a></s:Envelope>')).toThrow(SoapParseError);
    expect(() => parseSoapEnvelope('<a>&bogus;</a>')).toThrow(SoapParseError);
  });

  it('throws SoapParseError when the root element is not Envelope (Go: expected element type <Envelope>)', () => {
    expect(() => parseSoapEnvelope('<Body/>')).toThrow(/expected element type <Envelope> but have <Body>/);
  });

  it('gives an empty envelope for an empty body, as Fleet decodes nothing', () => {
    const env = parseSoapEnvelope('');
    expect(env.header.messageId).toBe('');
    expect(env.messages).toEqual([]);
  });
});

describe('base64 in either alphabet', () => {
  it('decodes standard, URL-safe, unpadded and line-wrapped base64 to the same bytes', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x00, 0x3e, 0x3f]);
    for (const s of [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('base64').replace(/=+$/, ''), `${bytes.toString('base64').slice(0, 4)}\r\n${bytes.toString('base64').slice(4)}`]) {
      expect(decodeBase64Any(s)?.equals(bytes)).toBe(true);
    }
  });

  it('refuses text that is not base64', () => {
    expect(decodeBase64Any('not base64!')).toBeNull();
    expect(decodeBase64Any('abcde')).toBeNull();
  });
});

describe('building envelopes the way Fleet writes them (Go xml.MarshalIndent)', () => {
  it('writes the fault exactly as Fleet: s:fault / s:code / s:value s:receiver / s:subcode s:messageformat / s:reason s:text', () => {
    const xml = renderResponse(buildResponseEnvelope({ action: 'urn:act', relatesTo: 'urn:uuid:1', activityId: 'aid', body: soapFaultBody('s:messageformat', 'boom') }));
    expect(xml).toBe(
      [
        `<s:Envelope xmlns:s="${NS.s}" xmlns:a="${NS.a}">`,
        `\t<s:Header>`,
        `\t\t<Action mustUnderstand="1">urn:act</Action>`,
        `\t\t<a:RelatesTo>urn:uuid:1</a:RelatesTo>`,
        `\t\t<ActivityId CorrelationId="aid" xmlns="${NS.diag}">aid</ActivityId>`,
        `\t</s:Header>`,
        `\t<s:Body>`,
        `\t\t<s:fault>`,
        `\t\t\t<s:code>`,
        `\t\t\t\t<s:value>s:receiver</s:value>`,
        `\t\t\t\t<s:subcode>`,
        `\t\t\t\t\t<s:value>s:messageformat</s:value>`,
        `\t\t\t\t</s:subcode>`,
        `\t\t\t</s:code>`,
        `\t\t\t<s:reason>`,
        `\t\t\t\t<s:text xml:lang="en-us">boom</s:text>`,
        `\t\t\t</s:reason>`,
        `\t\t</s:fault>`,
        `\t</s:Body>`,
        `</s:Envelope>`,
        ``,
      ].join('\n'),
    );
    expect(readSoapFault(parseSoapEnvelope(xml))).toEqual({ code: 's:receiver', subcode: 's:messageformat', reason: 'boom' });
  });

  it('builds a request envelope that its own parser reads back', () => {
    const xml = buildRequestEnvelope({ action: 'urn:a', messageId: 'urn:uuid:9', to: 'http://h/p?a=1&b=2', token: { valueType: 'vt', content: 'Zm9v' }, bodyXml: '<X xmlns="urn:x"/>' });
    const env = parseSoapEnvelope(xml);
    expect(env.header.to).toBe('http://h/p?a=1&b=2');
    expect(env.header.security?.binarySecurityToken).toEqual({ valueType: 'vt', encodingType: BASE64_BINARY, content: 'Zm9v' });
    expect(env.messages[0]!.localName).toBe('X');
  });
});
