import { ELEMENT_NODE, parseXmlTree, type XmlNode, type XmlTree, type XmlTreeElement } from './xml-tree.js';

export type { XmlNode, XmlTree };
/** An element of a parsed message (xml-tree.ts). */
export type XmlEl = XmlTreeElement;

/**
 * The XML toolkit every codec shares (SOAP, the MS-MDE2 messages, SyncML). One null convention: an element that is
 * absent is `null` (lookups accept it and pass it on), its text is `''`; only `childText` answers `undefined`, for
 * optional fields that a reader leaves out of its result. Lookups go by local name, as Go's `encoding/xml` decoding
 * does (Fleet ignores namespaces), so a message with other prefixes is read the way Fleet reads it.
 */

// ---------------------------------------------------------------------------------------------------------------
// Reading

/** Parse XML strictly: every well-formedness or namespace error throws `fail`'s error (made from the parser's
 * reason), never a half-built tree. */
export function parseXmlDocument(xml: string, fail: (message: string) => Error): XmlTree {
  return parseXmlTree(xml, fail);
}

function isElement(n: XmlNode): n is XmlEl {
  return n.nodeType === ELEMENT_NODE;
}

/** Element children of `el`, optionally only those with a local name. */
export function childElements(el: XmlEl | null, localName?: string): XmlEl[] {
  if (!el) return [];
  const out: XmlEl[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (isElement(n) && (localName === undefined || n.localName === localName)) out.push(n);
  }
  return out;
}

/** The first child element with this local name (Go's xml decoding matches names without namespaces). */
export function child(el: XmlEl | null, localName: string): XmlEl | null {
  if (!el) return null;
  for (let n = el.firstChild; n; n = n.nextSibling) if (isElement(n) && n.localName === localName) return n;
  return null;
}

/** Follow a path of local names from `el`. */
export function path(el: XmlEl | null, ...names: string[]): XmlEl | null {
  let cur = el;
  for (const n of names) cur = child(cur, n);
  return cur;
}

/** Text content of an element, as is ('' when absent). */
export function text(el: XmlEl | null): string {
  return el?.textContent ?? '';
}

/** The trimmed text of the first child with this local name; undefined when there is no such child. */
export function childText(el: XmlEl | null, localName: string): string | undefined {
  const c = child(el, localName);
  return c ? text(c).trim() : undefined;
}

/** An attribute by local name, whatever its prefix ('' when absent). */
export function attr(el: XmlEl | null, localName: string): string {
  if (!el) return '';
  for (const a of el.attributes) if (a.localName === localName) return a.value;
  return '';
}

// ---------------------------------------------------------------------------------------------------------------
// Writing strings: the client messages (Windows' shape, compact) and SyncML

/** XML text and attribute escaping: & < > and " (what Windows' requests and the SyncML codec write). */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/** `<name>content</name>` with the content escaped; '' when the content is undefined (an optional field). */
export function textEl(name: string, content: string | undefined): string {
  return content === undefined ? '' : `<${name}>${escapeXml(content)}</${name}>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing trees: an element tree written the way Go's xml.MarshalIndent writes it (Fleet's responses), so the
// bytes on the wire look like Fleet's: explicit end tags, attributes in field order, Go's text escaping.

export interface XmlElement {
  name: string;
  attrs?: [string, string][];
  /** Either text content or child elements. */
  text?: string;
  children?: XmlElement[];
}

export function el(name: string, attrs: [string, string][] | null, content?: string | XmlElement[]): XmlElement {
  const node: XmlElement = { name };
  if (attrs && attrs.length) node.attrs = attrs;
  if (typeof content === 'string') node.text = content;
  else if (content) node.children = content;
  return node;
}

/** Go's xml.EscapeText: also escapes quotes, tab, newline and carriage return. */
export function goEscape(s: string): string {
  return s.replace(/[&<>"'\t\n\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&#34;' : c === "'" ? '&#39;' : c === '\t' ? '&#x9;' : c === '\n' ? '&#xA;' : '&#xD;',
  );
}

/** Serialise like Go's xml.MarshalIndent(v, "", indent); indent '' gives the compact form. */
export function marshalIndent(node: XmlElement, indent: string, depth = 0): string {
  const pad = indent ? `${depth > 0 ? '\n' : ''}${indent.repeat(depth)}` : '';
  const attrs = (node.attrs ?? []).map(([k, v]) => ` ${k}="${goEscape(v)}"`).join('');
  const open = `${pad}<${node.name}${attrs}>`;
  if (node.children && node.children.length) {
    const inner = node.children.map((c) => marshalIndent(c, indent, depth + 1)).join('');
    const closePad = indent ? `\n${indent.repeat(depth)}` : '';
    return `${open}${inner}${closePad}</${node.name}>`;
  }
  return `${open}${goEscape(node.text ?? '')}</${node.name}>`;
}
