import { describe, it, expect } from 'vitest';
import { attr, child, childText, el, escapeXml, goEscape, marshalIndent, parseXmlDocument, path, text, textEl } from '../../../../emulators/protocols/xml.js';

const root = parseXmlDocument('<r xmlns:p="urn:p"><p:a p:k="v"> x </p:a><b/></r>', (m) => new Error(m)).documentElement!;

describe('reading by local name', () => {
  it('finds a child and an attribute whatever their prefix', () => {
    expect(text(child(root, 'a'))).toBe(' x ');
    expect(attr(child(root, 'a'), 'k')).toBe('v');
  });

  it('passes an absent element on as null, whose text and attributes are empty', () => {
    expect(path(root, 'missing', 'deeper')).toBeNull();
    expect(text(path(root, 'missing'))).toBe('');
    expect(attr(null, 'k')).toBe('');
  });

  it('tells an optional field that is absent (undefined) from one that is empty', () => {
    expect(childText(root, 'a')).toBe('x');
    expect(childText(root, 'b')).toBe('');
    expect(childText(root, 'c')).toBeUndefined();
  });
});

describe('writing', () => {
  it('escapes & < > and " in Windows-shaped strings, leaving the single quote', () => {
    expect(escapeXml(`a&<>"'`)).toBe(`a&amp;&lt;&gt;&quot;'`);
  });

  it('writes an optional text element only when it has content', () => {
    expect(textEl('CmdID', '1&2')).toBe('<CmdID>1&amp;2</CmdID>');
    expect(textEl('CmdID', undefined)).toBe('');
  });

  it('escapes text as Go\'s xml.EscapeText does', () => {
    expect(goEscape(`&<>"'\t\n\r`)).toBe('&amp;&lt;&gt;&#34;&#39;&#x9;&#xA;&#xD;');
  });

  it('indents like Go\'s xml.MarshalIndent, with explicit end tags', () => {
    expect(marshalIndent(el('a', [['x', '1']], [el('b', null, ''), el('c', null, 't')]), '\t')).toBe('<a x="1">\n\t<b></b>\n\t<c>t</c>\n</a>');
  });
});

describe('building envelopes the way Fleet writes them (Go xml.MarshalIndent)', () => {
  it('writes explicit end tags, tab indents, Go escaping, text inline', () => {
    expect(marshalIndent(el('a', [['k', 'x"y']], [el('b', null, ''), el('c', null, "1 < 2 & 'q'\n")]), '\t')).toBe(
      `<a k="x&#34;y">\n\t<b></b>\n\t<c>1 &lt; 2 &amp; &#39;q&#39;&#xA;</c>\n</a>`,
    );
  });
});
