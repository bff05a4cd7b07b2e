import { serializeNode } from '../xml-tree.js';
import { child, childElements, childText, parseXmlDocument, text, type XmlEl, type XmlNode } from '../xml.js';
import { SyncMLParseError, VERBS, type SyncHdr, type SyncMLCommand, type ParsedSyncMLCommand, type ParsedSyncMLMessage, type SyncMLData, type SyncMLItem, type SyncMLMeta, type SyncMLVerb } from './model.js';

/** Reading a SyncML package (MS-MDM 2.2.4): namespace-tolerant (SYNCML:SYNCML1.2 or 1.1, `syncml:metinf`, any prefix). */
function locUri(el: XmlEl | null): string | undefined {
  return childText(el, 'LocURI');
}

/**
 * Markup of a node as sent. The serializer declares the inherited SyncML default namespace on the node it starts
 * from; that declaration was not in the message, so it is dropped from the first start tag.
 */
function markup(n: XmlNode): string {
  const xml = serializeNode(n);
  if (n.nodeType !== 1) return xml;
  const ns = n.namespaceURI;
  if (!ns || !/^SYNCML:SYNCML1\.[12]$/i.test(ns)) return xml;
  const end = xml.indexOf('>');
  const head = xml.slice(0, end).replace(` xmlns="${ns}"`, '');
  return head + xml.slice(end);
}

/** Item/Data content: text when it holds only text (entities decoded), else the inner XML exactly as sent. */
function dataOf(el: XmlEl | null): SyncMLData | undefined {
  if (!el) return undefined;
  if (childElements(el).length === 0) return text(el);
  let xml = '';
  for (let n: XmlNode | null = el.firstChild; n; n = n.nextSibling) xml += markup(n);
  return { xml: xml.trim() };
}

function metaOf(el: XmlEl | null): SyncMLMeta | undefined {
  if (!el) return undefined;
  const m: SyncMLMeta = {};
  const t = childText(el, 'Type');
  const f = childText(el, 'Format');
  const nn = childText(el, 'NextNonce');
  const mark = childText(el, 'Mark');
  const size = childText(el, 'Size');
  const max = childText(el, 'MaxMsgSize');
  if (t !== undefined) m.type = t;
  if (f !== undefined) m.format = f;
  if (nn !== undefined) m.nextNonce = nn;
  if (mark !== undefined) m.mark = mark;
  if (size !== undefined) m.size = size;
  if (max !== undefined) m.maxMsgSize = max;
  return m;
}

function itemOf(el: XmlEl): SyncMLItem {
  const item: SyncMLItem = {};
  const target = locUri(child(el, 'Target'));
  const source = locUri(child(el, 'Source'));
  const meta = metaOf(child(el, 'Meta'));
  const data = dataOf(child(el, 'Data'));
  if (target !== undefined) item.target = target;
  if (source !== undefined) item.source = source;
  if (meta) item.meta = meta;
  if (data !== undefined) item.data = data;
  return item;
}

function commandOf(el: XmlEl): ParsedSyncMLCommand {
  const verb = el.localName as SyncMLVerb;
  const cmd: ParsedSyncMLCommand = {
    verb,
    cmdId: childText(el, 'CmdID') ?? '',
    items: childElements(el, 'Item').map(itemOf),
    xml: markup(el),
  };
  if (child(el, 'NoResp')) cmd.noResp = true;
  const fields: [keyof SyncMLCommand & ('msgRef' | 'cmdRef' | 'cmd' | 'targetRef' | 'sourceRef'), string][] = [
    ['msgRef', 'MsgRef'],
    ['cmdRef', 'CmdRef'],
    ['cmd', 'Cmd'],
    ['targetRef', 'TargetRef'],
    ['sourceRef', 'SourceRef'],
  ];
  for (const [k, tag] of fields) {
    const v = childText(el, tag);
    if (v !== undefined) cmd[k] = v;
  }
  const meta = metaOf(child(el, 'Meta'));
  if (meta) cmd.meta = meta;
  const chal = metaOf(child(child(el, 'Chal'), 'Meta'));
  if (chal) cmd.chal = chal;
  const data = child(el, 'Data');
  if (data) cmd.data = text(data).trim();
  if (verb === 'Atomic' || verb === 'Sequence') {
    cmd.commands = childElements(el).filter((c) => VERBS.includes(c.localName as SyncMLVerb)).map(commandOf);
  }
  return cmd;
}

/**
 * Parse a SyncML message. Throws SyncMLParseError for XML that does not parse or is not SyncML at all; a message
 * that parses but lacks header fields is returned as is (the server's `validateSyncML` says what is missing).
 */
export function parseSyncML(xml: string): ParsedSyncMLMessage {
  const doc = parseXmlDocument(xml, (msg) => new SyncMLParseError(msg));
  const root = doc.documentElement;
  if (root.localName !== 'SyncML') throw new SyncMLParseError('root element is not SyncML');
  const hdrEl = child(root, 'SyncHdr');
  const bodyEl = child(root, 'SyncBody');
  if (!hdrEl || !bodyEl) throw new SyncMLParseError('SyncML without SyncHdr or SyncBody');
  const hdr: SyncHdr = {
    verDTD: childText(hdrEl, 'VerDTD') ?? '',
    verProto: childText(hdrEl, 'VerProto') ?? '',
    sessionId: childText(hdrEl, 'SessionID') ?? '',
    msgId: childText(hdrEl, 'MsgID') ?? '',
    target: locUri(child(hdrEl, 'Target')) ?? '',
    source: locUri(child(hdrEl, 'Source')) ?? '',
  };
  const credEl = child(hdrEl, 'Cred');
  if (credEl) {
    const m = metaOf(child(credEl, 'Meta')) ?? {};
    hdr.cred = { type: m.type ?? '', format: m.format ?? '', data: childText(credEl, 'Data') ?? '' };
  }
  const hdrMeta = metaOf(child(hdrEl, 'Meta'));
  if (hdrMeta) hdr.meta = hdrMeta;
  const commands = childElements(bodyEl)
    .filter((c) => VERBS.includes(c.localName as SyncMLVerb))
    .map(commandOf);
  return { namespace: root.namespaceURI ?? '', hdr, commands, final: child(bodyEl, 'Final') !== null };
}

/** Item data as text: embedded XML is returned as its markup. */
export function dataText(d: SyncMLData | undefined): string | undefined {
  return d === undefined ? undefined : typeof d === 'string' ? d : d.xml;
}
