import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { ELEMENT_NODE, parseXmlTree, serializeNode, type XmlTreeElement } from '../../../../emulators/protocols/xml-tree.js';

const fail = (m: string) => new Error(m);
const rootOf = (xml: string) => parseXmlTree(xml, fail).documentElement!;
const firstElement = (e: XmlTreeElement): XmlTreeElement => {
  for (let n = e.firstChild; n; n = n.nextSibling) if (n.nodeType === ELEMENT_NODE) return n;
  throw new Error('no child element');
};

describe('reading names as Namespaces in XML binds them', () => {
  it('gives an element its prefix, local name and namespace', () => {
    const r = rootOf('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"/>');
    expect([r.tagName, r.prefix, r.localName, r.namespaceURI]).toEqual(['s:Envelope', 's', 'Envelope', 'http://www.w3.org/2003/05/soap-envelope']);
  });

  it('puts an unprefixed element in the default namespace it inherits', () => {
    const b = firstElement(rootOf('<a xmlns="urn:d"><b/></a>'));
    expect([b.prefix, b.namespaceURI]).toEqual([null, 'urn:d']);
  });

  it('leaves an unprefixed attribute in no namespace and puts declarations in the xmlns namespace', () => {
    const r = rootOf('<a xmlns="urn:d" xmlns:p="urn:p" k="1" p:k="2"/>');
    expect(r.attributes.map((a) => [a.name, a.namespaceURI])).toEqual([
      ['xmlns', 'http://www.w3.org/2000/xmlns/'],
      ['xmlns:p', 'http://www.w3.org/2000/xmlns/'],
      ['k', null],
      ['p:k', 'urn:p'],
    ]);
    expect(r.getAttribute('p:k')).toBe('2');
    expect(r.hasAttribute('q')).toBe(false);
  });
});

describe('text', () => {
  it('joins text and CDATA of every descendant, skipping comments and processing instructions', () => {
    expect(rootOf('<a>x<!--c--><b>y<![CDATA[<z>]]></b><?pi d?>&amp;</a>').textContent).toBe('xy<z>&');
  });

  it('reads character references and the predefined entities', () => {
    expect(rootOf('<a>&#x41;&#66;&lt;&gt;&quot;&apos;</a>').textContent).toBe('AB<>"\'');
  });

  it('skips a byte order mark before the document', () => {
    expect(rootOf('\ufeff<a>1</a>').textContent).toBe('1');
  });
});

describe('refusing what is not well-formed XML', () => {
  it.each([
    ['an unbound prefix', '<p:a/>'],
    ['a duplicate attribute', '<a k="1" k="2"/>'],
    ['an undefined entity', '<a>&nbsp;</a>'],
    ['a mismatched end tag', '<a></b>'],
    ['no root element', 'just text'],
    ['an empty document', ''],
    ['two root elements', '<a/><b/>'],
    ['an unclosed element', '<a><b></b>'],
  ])('fails on %s, through the caller\'s error', (_what, xml) => {
    expect(() => parseXmlTree(xml, (m) => new RangeError(`bad: ${m}`))).toThrow(RangeError);
  });

  it('hands the caller the reason without saxes\' position prefix', () => {
    let seen = '';
    expect(() =>
      parseXmlTree('<a></b>', (m) => {
        seen = m;
        return new Error(m);
      }),
    ).toThrow();
    expect(seen).not.toMatch(/^\d+:\d+/);
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('writing a subtree back as XMLSerializer does', () => {
  it('declares the default namespace a child inherits, after its attributes as xmldom writes it', () => {
    expect(serializeNode(firstElement(rootOf('<a xmlns="urn:d"><b k="1">t</b></a>')))).toBe('<b k="1" xmlns="urn:d">t</b>');
  });

  it('declares an inherited prefix used only by an attribute', () => {
    expect(serializeNode(firstElement(rootOf('<a xmlns:p="urn:p"><b p:k="1"/></a>')))).toBe('<b xmlns:p="urn:p" p:k="1"/>');
  });

  it('does not declare again what the subtree declares itself', () => {
    expect(serializeNode(rootOf('<p:a xmlns:p="urn:p"><p:b/></p:a>'))).toBe('<p:a xmlns:p="urn:p"><p:b/></p:a>');
  });

  it('writes an element without children as an empty-element tag', () => {
    expect(serializeNode(rootOf('<a></a>'))).toBe('<a/>');
  });

  it('escapes < & > in text and < > & " tab newline return in attributes', () => {
    expect(serializeNode(rootOf('<a k="&lt;&gt;&amp;&quot;&#9;&#10;&#13;">&lt;&amp;&gt;</a>'))).toBe('<a k="&lt;&gt;&amp;&quot;&#9;&#10;&#13;">&lt;&amp;&gt;</a>');
  });

  it('keeps CDATA, comments and processing instructions', () => {
    expect(serializeNode(rootOf('<a><![CDATA[<x>]]><!--c--><?t d?></a>'))).toBe('<a><![CDATA[<x>]]><!--c--><?t d?></a>');
  });
});

// Documents in the shapes the codecs meet: prefixes bound at some level and used below, a default namespace that
// changes, attributes in and out of namespaces, text that needs escaping.
const PREFIXES = ['', 'p', 'q'] as const;
const URIS = ['urn:a', 'urn:b', 'syncml:metinf'] as const;
const nameArb = fc.constantFrom('Add', 'Item', 'Data', 'x');
const textArb = fc.string({ unit: fc.constantFrom('a', ' ', '<', '>', '&', '"', "'", '\t', 'é'), maxLength: 6 });
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\t/g, '&#9;');

interface Gen {
  name: string;
  prefix: (typeof PREFIXES)[number];
  declare: [(typeof PREFIXES)[number], (typeof URIS)[number]][];
  attrs: [string, string, boolean][];
  text: string;
  children: Gen[];
}

const genAt = (depth: number): fc.Arbitrary<Gen> =>
  fc.record({
    name: nameArb,
    prefix: fc.constantFrom(...PREFIXES),
    declare: fc.array(fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...URIS)), { maxLength: 2 }),
    attrs: fc.uniqueArray(fc.tuple(fc.constantFrom('k', 'v', 'w'), textArb, fc.boolean()), { maxLength: 2, selector: (a) => a[0] }),
    text: textArb,
    children: depth === 0 ? fc.constant([]) : fc.array(genAt(depth - 1), { maxLength: 3 }),
  });
const genArb = genAt(3);

/** Markup for a generated node, binding every prefix it uses (so the document is namespace-well-formed). */
function markup(g: Gen, bound: ReadonlySet<string>): string {
  const decls = new Map<string, string>();
  for (const [p, u] of g.declare) decls.set(p, u);
  const inScope = new Set([...bound, ...decls.keys()]);
  const usePrefix = g.prefix && !inScope.has(g.prefix) ? '' : g.prefix;
  const name = usePrefix ? `${usePrefix}:${g.name}` : g.name;
  const declText = [...decls].map(([p, u]) => (p ? ` xmlns:${p}="${u}"` : ` xmlns="${u}"`)).join('');
  const attrPrefix = [...inScope].find((p) => p !== '');
  const attrText = g.attrs.map(([k, v, prefixed]) => ` ${prefixed && attrPrefix ? `${attrPrefix}:${k}` : k}="${esc(v)}"`);
  // Two attributes with the same local name and the same prefix would be duplicates; keep the first.
  const seen = new Set<string>();
  const attrs = attrText.filter((a) => !seen.has(a.split('=')[0]!) && seen.add(a.split('=')[0]!)).join('');
  return `<${name}${declText}${attrs}>${esc(g.text)}${g.children.map((c) => markup(c, inScope)).join('')}</${name}>`;
}

describe('serializeNode against @xmldom/xmldom\'s XMLSerializer', () => {
  it('writes every child element of a generated document as XMLSerializer does', () => {
    fc.assert(
      fc.property(genArb, (g) => {
        const xml = `<root xmlns="urn:root" xmlns:p="urn:p">${markup(g, new Set(['', 'p']))}</root>`;
        const ours = firstElement(rootOf(xml));
        const doc = new DOMParser().parseFromString(xml, 'text/xml');
        const theirs = doc.documentElement!.firstChild!;
        expect(serializeNode(ours)).toBe(new XMLSerializer().serializeToString(theirs));
      }),
      { numRuns: 300 },
    );
  });

  it('reads the same text as xmldom for every generated document', () => {
    fc.assert(
      fc.property(genArb, (g) => {
        const xml = markup(g, new Set(['xml']));
        const doc = new DOMParser().parseFromString(xml, 'text/xml');
        expect(rootOf(xml).textContent).toBe(doc.documentElement!.textContent);
      }),
      { numRuns: 300 },
    );
  });
});
