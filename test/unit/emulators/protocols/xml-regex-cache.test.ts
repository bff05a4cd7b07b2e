import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import { parseXmlDocument } from '../../../../emulators/protocols/xml.js';
import { xmlRegexCacheActive } from '../../../../emulators/protocols/xml-regex-cache.js';

const grammar = createRequire(import.meta.url)('@xmldom/xmldom/lib/grammar.js') as { reg: (...p: (RegExp | string)[]) => RegExp; QName_group: RegExp; S_OPT: RegExp };
const failure = { report: (m: string) => new Error(`report: ${m}`), wrapped: (m: string) => new Error(`wrapped: ${m}`) };

describe("xmldom's end-tag expression, built once", () => {
  it('is active on the installed xmldom', () => {
    expect(xmlRegexCacheActive).toBe(true);
  });

  it('hands out the same expression for the same grammar parts, a new one for others', () => {
    const a = grammar.reg('^', grammar.QName_group, grammar.S_OPT, '$');
    expect(grammar.reg('^', grammar.QName_group, grammar.S_OPT, '$')).toBe(a);
    expect(grammar.reg('^', grammar.QName_group)).not.toBe(a);
    expect(a.flags).not.toMatch(/[gy]/);
  });

  it('still reads end tags: a document parses to the same tree twice', () => {
    const xml = '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncBody><Status><CmdID>1</CmdID></Status><Final/></SyncBody></SyncML>';
    const names = () => Array.from(parseXmlDocument(xml, failure).getElementsByTagName('*')).map((e) => e.localName);
    expect(names()).toEqual(['SyncML', 'SyncBody', 'Status', 'CmdID', 'Final']);
    expect(names()).toEqual(['SyncML', 'SyncBody', 'Status', 'CmdID', 'Final']);
  });

  it('still refuses an end tag with characters a name cannot hold', () => {
    expect(() => parseXmlDocument('<a></a b>', failure)).toThrow(/end tag name contains invalid characters/);
    expect(() => parseXmlDocument('<a></a b>', failure)).toThrow(/end tag name contains invalid characters/);
  });
});
