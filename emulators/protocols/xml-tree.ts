import { SaxesParser, type SaxesTagNS } from 'saxes';

/**
 * The element tree the XML codecs read: the part of the W3C DOM they use (nodeType, firstChild/nextSibling,
 * localName, namespaceURI, attributes, textContent), built by saxes, a strict XML 1.0 + Namespaces parser. Every
 * SOAP and SyncML message in and out of every party is read, so a full DOM was the lab's costliest reader (a
 * SyncML package of 4 KiB: 534 µs in @xmldom/xmldom, 87 µs in saxes alone); this tree keeps only what is read.
 * `serializeNode` writes a subtree as the DOM Parsing spec's XMLSerializer does (w3c.github.io/DOM-Parsing), with
 * xmldom's order of declarations (an attribute's before it, the element's own after its attributes).
 */

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const CDATA_SECTION_NODE = 4;
export const PROCESSING_INSTRUCTION_NODE = 7;
export const COMMENT_NODE = 8;

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export interface XmlAttr {
  /** The qualified name as written (`s:mustUnderstand`, `xmlns:a`). */
  readonly name: string;
  readonly localName: string;
  readonly prefix: string | null;
  readonly namespaceURI: string | null;
  readonly value: string;
}

/** Text, CDATA, a comment or a processing instruction. */
export class XmlCharacterNode {
  nextSibling: XmlNode | null = null;
  constructor(
    readonly nodeType: typeof TEXT_NODE | typeof CDATA_SECTION_NODE | typeof COMMENT_NODE | typeof PROCESSING_INSTRUCTION_NODE,
    readonly data: string,
    /** A processing instruction's target ('' otherwise). */
    readonly target = '',
  ) {}

  get nodeValue(): string {
    return this.data;
  }

  get textContent(): string {
    return this.data;
  }
}

export class XmlTreeElement {
  readonly nodeType = ELEMENT_NODE;
  firstChild: XmlNode | null = null;
  lastChild: XmlNode | null = null;
  nextSibling: XmlNode | null = null;
  parentNode: XmlTreeElement | null = null;
  constructor(
    /** The qualified name as written. */
    readonly tagName: string,
    readonly localName: string,
    readonly prefix: string | null,
    readonly namespaceURI: string | null,
    readonly attributes: readonly XmlAttr[],
  ) {}

  get nodeValue(): null {
    return null;
  }

  /** The text of every Text and CDATA descendant in document order (DOM `textContent`). */
  get textContent(): string {
    // The common case, one text child, without building a string (a leaf's text is read for every field).
    const only = this.firstChild;
    if (only && only.nextSibling === null && only.nodeType !== ELEMENT_NODE) return only.nodeType === TEXT_NODE || only.nodeType === CDATA_SECTION_NODE ? only.data : '';
    let s = '';
    for (let n = this.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === ELEMENT_NODE) s += n.textContent;
      else if (n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) s += n.data;
    }
    return s;
  }

  /** An attribute's value by qualified name, null when absent (DOM `getAttribute`). */
  getAttribute(name: string): string | null {
    for (const a of this.attributes) if (a.name === name) return a.value;
    return null;
  }

  hasAttribute(name: string): boolean {
    return this.getAttribute(name) !== null;
  }

  append(n: XmlNode): void {
    if (n.nodeType === ELEMENT_NODE) n.parentNode = this;
    if (this.lastChild) this.lastChild.nextSibling = n;
    else this.firstChild = n;
    this.lastChild = n;
  }
}

export type XmlNode = XmlTreeElement | XmlCharacterNode;

export interface XmlTree {
  /** Never absent: a document without a root element is not well formed (XML 1.0 §2.1), so parsing it fails. */
  readonly documentElement: XmlTreeElement;
}

/** saxes' error messages begin with the position (`1:5: ...`); the reason is what a caller shows. */
function reason(e: Error): string {
  return e.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '');
}

function elementOf(tag: SaxesTagNS): XmlTreeElement {
  const attrs: XmlAttr[] = [];
  for (const key in tag.attributes) {
    const a = tag.attributes[key]!;
    // A default namespace declaration has no prefix; `xmlns:p` has the prefix xmlns (DOM: Namespaces in XML §3).
    const isNs = a.name === 'xmlns' || a.prefix === 'xmlns';
    attrs.push({ name: a.name, localName: a.local || a.name, prefix: a.prefix || null, namespaceURI: isNs ? XMLNS_NS : a.uri || null, value: a.value });
  }
  return new XmlTreeElement(tag.name, tag.local ?? tag.name, tag.prefix || null, tag.uri || null, attrs);
}

/**
 * Parse a document strictly (XML 1.0 well-formedness and Namespaces in XML: an unbound prefix, a duplicate
 * attribute, an undefined entity all fail). `fail` makes the caller's error from saxes' reason.
 */
export function parseXmlTree(xml: string, fail: (message: string) => Error): XmlTree {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlTreeElement[] = [];
  let root: XmlTreeElement | null = null;
  const add = (n: XmlNode) => stack[stack.length - 1]?.append(n);
  // No 'error' handler: saxes then throws its error, caught below. (With one, the parser object holds a seventh
  // handler and V8 reads its fields four times slower: 80 µs for a 1 KiB SyncML package instead of 20.)
  parser.on('opentag', (tag) => {
    const e = elementOf(tag);
    if (stack.length === 0) root = e;
    else add(e);
    stack.push(e);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t) => {
    if (stack.length > 0) add(new XmlCharacterNode(TEXT_NODE, t));
  });
  parser.on('cdata', (t) => add(new XmlCharacterNode(CDATA_SECTION_NODE, t)));
  parser.on('comment', (t) => add(new XmlCharacterNode(COMMENT_NODE, t)));
  parser.on('processinginstruction', (pi) => add(new XmlCharacterNode(PROCESSING_INSTRUCTION_NODE, pi.body, pi.target)));
  try {
    // A byte order mark is not part of the document (XML 1.0 §4.3.3).
    parser.write(xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml).close();
  } catch (e) {
    throw fail(reason(e as Error));
  }
  // saxes refuses a document without a root at close(); this states it for the type.
  if (root === null) throw fail('document must contain a root element');
  return { documentElement: root };
}

// ---------------------------------------------------------------------------------------------------------------
// Writing a subtree back: the XMLSerializer algorithm (w3c.github.io/DOM-Parsing/#dfn-xml-serialization), as the
// codecs' readers need it: the markup of a SyncML command or of the XML inside an Item's Data.

interface Visible {
  prefix: string;
  namespace: string;
}

const escapeText = (s: string) => s.replace(/[<&>]/g, (c) => (c === '<' ? '&lt;' : c === '&' ? '&amp;' : '&gt;'));
const escapeAttr = (s: string) => s.replace(/[<>&"\t\n\r]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : `&#${c.charCodeAt(0)};`));

/** Whether `prefix` → `uri` has to be declared where the in-scope declarations are `visible`. */
function needsDeclaration(prefix: string, uri: string | null, visible: readonly Visible[]): boolean {
  if (!uri || (prefix === 'xml' && uri === XML_NS) || uri === XMLNS_NS) return false;
  for (let i = visible.length - 1; i >= 0; i--) if (visible[i]!.prefix === prefix) return visible[i]!.namespace !== uri;
  return true;
}

function write(n: XmlNode, out: string[], visible: readonly Visible[]): void {
  if (n.nodeType !== ELEMENT_NODE) {
    if (n.nodeType === TEXT_NODE) out.push(escapeText(n.data));
    else if (n.nodeType === CDATA_SECTION_NODE) out.push(`<![CDATA[${n.data}]]>`);
    else if (n.nodeType === COMMENT_NODE) out.push(`<!--${n.data}-->`);
    else out.push(`<?${n.target} ${n.data}?>`);
    return;
  }
  const inScope = visible.slice();
  for (const a of n.attributes) {
    if (a.prefix === 'xmlns') inScope.push({ prefix: a.localName, namespace: a.value });
    else if (a.name === 'xmlns') inScope.push({ prefix: '', namespace: a.value });
  }
  let tag = `<${n.tagName}`;
  for (const a of n.attributes) {
    if (a.namespaceURI !== XMLNS_NS && needsDeclaration(a.prefix ?? '', a.namespaceURI, inScope)) {
      tag += ` ${a.prefix ? `xmlns:${a.prefix}` : 'xmlns'}="${escapeAttr(a.namespaceURI ?? '')}"`;
      inScope.push({ prefix: a.prefix ?? '', namespace: a.namespaceURI ?? '' });
    }
    tag += ` ${a.name}="${escapeAttr(a.value)}"`;
  }
  if (needsDeclaration(n.prefix ?? '', n.namespaceURI, inScope)) {
    tag += ` ${n.prefix ? `xmlns:${n.prefix}` : 'xmlns'}="${escapeAttr(n.namespaceURI ?? '')}"`;
    inScope.push({ prefix: n.prefix ?? '', namespace: n.namespaceURI ?? '' });
  }
  if (!n.firstChild) {
    out.push(`${tag}/>`);
    return;
  }
  out.push(`${tag}>`);
  for (let c: XmlNode | null = n.firstChild; c; c = c.nextSibling) write(c, out, inScope);
  out.push(`</${n.tagName}>`);
}

/** A node's markup, serialized on its own (declaring the namespaces it uses that it does not declare itself). */
export function serializeNode(n: XmlNode): string {
  const out: string[] = [];
  write(n, out, []);
  return out.join('');
}
