import { XMLSerializer, type Element, type Node } from '@xmldom/xmldom';
import { child, childElements, childText, escapeXml, parseXmlDocument, text, textEl } from './xml.js';

/**
 * OMA-DM SyncML 1.2 (MS-MDM; entra-mde2.md §8, fleet.md §2.10): the codec both sides use. Parsing is
 * namespace-tolerant (SYNCML:SYNCML1.2 or 1.1, `syncml:metinf` on Meta children, any prefix); building writes the
 * elements in DTD order with the namespaces Fleet and Windows write.
 */

export const SYNCML_NS = 'SYNCML:SYNCML1.2';
export const METINF_NS = 'syncml:metinf';
export const SYNCML_CONTENT_TYPE = 'application/vnd.syncml.dm+xml';

/** Alert codes (OMA-DM 1.2 §8; MS-MDM). */
export const ALERT = {
  serverInitiatedManagement: '1200',
  clientInitiatedManagement: '1201',
  nextMessage: '1222',
  sessionAbort: '1223',
  clientEvent: '1224',
  noEndOfData: '1225',
  generic: '1226',
} as const;

/** Status codes (entra-mde2.md §8.4). */
export const STATUS = {
  ok: '200',
  accepted: '202',
  authAccepted: '212',
  badRequest: '400',
  invalidCredentials: '401',
  forbidden: '403',
  notFound: '404',
  notAllowed: '405',
  authenticationRequired: '407',
  alreadyExists: '418',
  commandFailed: '500',
} as const;

/** Meta of the unenroll generic alert (MS-MDM; Fleet syncml.AlertUserUnenrollmentRequest). */
export const UNENROLL_ALERT_TYPE = 'com.microsoft:mdm.unenrollment.userrequest';

export type SyncMLVerb = 'Add' | 'Alert' | 'Atomic' | 'Delete' | 'Exec' | 'Get' | 'Replace' | 'Results' | 'Sequence' | 'Status';
const VERBS: readonly SyncMLVerb[] = ['Add', 'Alert', 'Atomic', 'Delete', 'Exec', 'Get', 'Replace', 'Results', 'Sequence', 'Status'];

export interface SyncMLMeta {
  type?: string;
  format?: string;
  nextNonce?: string;
  mark?: string;
  size?: string;
  maxMsgSize?: string;
}

/** Item data: plain text (escaped when written), or raw XML embedded as is (an MsiInstallJob). */
export type SyncMLData = string | { xml: string };

export interface SyncMLItem {
  target?: string;
  source?: string;
  meta?: SyncMLMeta;
  data?: SyncMLData;
}

export interface SyncMLCred {
  type: string;
  format: string;
  data: string;
}

/** One protocol command; Status/Results use the *Ref fields, Atomic/Sequence hold `commands`. */
export interface SyncMLCommand {
  verb: SyncMLVerb;
  cmdId: string;
  noResp?: boolean;
  msgRef?: string;
  cmdRef?: string;
  /** Status: the verb the status is for (`SyncHdr` for the header). */
  cmd?: string;
  targetRef?: string;
  sourceRef?: string;
  /** Status: a challenge (NextNonce + auth type/format). */
  chal?: SyncMLMeta;
  meta?: SyncMLMeta;
  /** Alert code, Status code. */
  data?: string;
  items: SyncMLItem[];
  commands?: SyncMLCommand[];
}

/** A command as parsed: its fields plus the exact XML it arrived as. */
export interface ParsedSyncMLCommand extends SyncMLCommand {
  xml: string;
  commands?: ParsedSyncMLCommand[];
}

export interface SyncHdr {
  verDTD: string;
  verProto: string;
  sessionId: string;
  msgId: string;
  target: string;
  source: string;
  cred?: SyncMLCred;
  meta?: SyncMLMeta;
}

export interface SyncMLMessage {
  hdr: SyncHdr;
  /** Commands in document order; a string is raw command XML written as is (a queued command). */
  commands: (SyncMLCommand | string)[];
  final: boolean;
}

export interface ParsedSyncMLMessage {
  namespace: string;
  hdr: SyncHdr;
  commands: ParsedSyncMLCommand[];
  final: boolean;
}

export class SyncMLParseError extends Error {
  override name = 'SyncMLParseError';
}

// ---------------------------------------------------------------- parsing

function locUri(el: Element | null): string | undefined {
  return childText(el, 'LocURI');
}

const serializer = new XMLSerializer();

/**
 * Markup of a node as sent. The serializer declares the inherited SyncML default namespace on the node it starts
 * from; that declaration was not in the message, so it is dropped from the first start tag.
 */
function markup(n: Node): string {
  const xml = serializer.serializeToString(n);
  if (n.nodeType !== 1) return xml;
  const ns = (n as Element).namespaceURI;
  if (!ns || !/^SYNCML:SYNCML1\.[12]$/i.test(ns)) return xml;
  const end = xml.indexOf('>');
  const head = xml.slice(0, end).replace(` xmlns="${ns}"`, '');
  return head + xml.slice(end);
}

/** Item/Data content: text when it holds only text (entities decoded), else the inner XML exactly as sent. */
function dataOf(el: Element | null): SyncMLData | undefined {
  if (!el) return undefined;
  if (childElements(el).length === 0) return text(el);
  let xml = '';
  for (let n: Node | null = el.firstChild; n; n = n.nextSibling) xml += markup(n);
  return { xml: xml.trim() };
}

function metaOf(el: Element | null): SyncMLMeta | undefined {
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

function itemOf(el: Element): SyncMLItem {
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

function commandOf(el: Element): ParsedSyncMLCommand {
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
  const doc = parseXmlDocument(xml, { report: (msg) => new SyncMLParseError(msg), wrapped: (msg) => new SyncMLParseError(msg) });
  const root = doc.documentElement;
  if (!root || root.localName !== 'SyncML') throw new SyncMLParseError('root element is not SyncML');
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

// ---------------------------------------------------------------- building

function metinf(tag: string, content: string | undefined): string {
  return content === undefined ? '' : `<${tag} xmlns="${METINF_NS}">${escapeXml(content)}</${tag}>`;
}

/** Meta children in DTD order (metinf: Format, Type, Mark, Size, NextNonce, MaxMsgSize). */
function buildMeta(m: SyncMLMeta | undefined): string {
  if (!m) return '';
  return `<Meta>${metinf('Format', m.format)}${metinf('Type', m.type)}${metinf('Mark', m.mark)}${metinf('Size', m.size)}${metinf('NextNonce', m.nextNonce)}${metinf('MaxMsgSize', m.maxMsgSize)}</Meta>`;
}

function buildData(d: SyncMLData | undefined): string {
  if (d === undefined) return '';
  return typeof d === 'string' ? textEl('Data', d) : `<Data>${d.xml}</Data>`;
}

function buildItem(i: SyncMLItem): string {
  const target = i.target === undefined ? '' : `<Target>${textEl('LocURI', i.target)}</Target>`;
  const source = i.source === undefined ? '' : `<Source>${textEl('LocURI', i.source)}</Source>`;
  return `<Item>${target}${source}${buildMeta(i.meta)}${buildData(i.data)}</Item>`;
}

/** One command in DTD element order. */
export function buildCommand(c: SyncMLCommand): string {
  const head = textEl('CmdID', c.cmdId);
  const items = c.items.map(buildItem).join('');
  const noResp = c.noResp ? '<NoResp/>' : '';
  switch (c.verb) {
    case 'Status':
      return `<Status>${head}${textEl('MsgRef', c.msgRef)}${textEl('CmdRef', c.cmdRef)}${textEl('Cmd', c.cmd)}${textEl('TargetRef', c.targetRef)}${textEl('SourceRef', c.sourceRef)}${c.chal ? `<Chal>${buildMeta(c.chal)}</Chal>` : ''}${textEl('Data', c.data)}${items}</Status>`;
    case 'Alert':
      return `<Alert>${head}${noResp}${textEl('Data', c.data)}${items}</Alert>`;
    case 'Results':
      return `<Results>${head}${textEl('MsgRef', c.msgRef)}${textEl('CmdRef', c.cmdRef)}${buildMeta(c.meta)}${textEl('TargetRef', c.targetRef)}${textEl('SourceRef', c.sourceRef)}${items}</Results>`;
    case 'Atomic':
    case 'Sequence':
      return `<${c.verb}>${head}${noResp}${buildMeta(c.meta)}${(c.commands ?? []).map(buildCommand).join('')}</${c.verb}>`;
    default:
      return `<${c.verb}>${head}${noResp}${buildMeta(c.meta)}${items}</${c.verb}>`;
  }
}

export function buildSyncHdr(h: SyncHdr): string {
  const cred = h.cred
    ? `<Cred>${buildMeta({ format: h.cred.format, type: h.cred.type })}${textEl('Data', h.cred.data)}</Cred>`
    : '';
  return (
    `<SyncHdr>${textEl('VerDTD', h.verDTD)}${textEl('VerProto', h.verProto)}` +
    `${textEl('SessionID', h.sessionId)}${textEl('MsgID', h.msgId)}` +
    `<Target>${textEl('LocURI', h.target)}</Target><Source>${textEl('LocURI', h.source)}</Source>` +
    `${cred}${buildMeta(h.meta)}</SyncHdr>`
  );
}

/** A whole SyncML message; raw command strings (queued commands) are embedded as is. */
export function buildSyncML(m: SyncMLMessage): string {
  const body = m.commands.map((c) => (typeof c === 'string' ? c.trim() : buildCommand(c))).join('');
  return `<SyncML xmlns="${SYNCML_NS}">${buildSyncHdr(m.hdr)}<SyncBody>${body}${m.final ? '<Final/>' : ''}</SyncBody></SyncML>`;
}

/** The header both sides write: VerDTD 1.2, VerProto DM/1.2 (entra-mde2.md §8.2). */
export function syncHdr(fields: { sessionId: string; msgId: string; target: string; source: string; cred?: SyncMLCred }): SyncHdr {
  return { verDTD: '1.2', verProto: 'DM/1.2', ...fields };
}

/** A Status for a received command (CmdRef 0 / Cmd SyncHdr for the header). */
export function statusFor(opts: {
  cmdId: string;
  msgRef: string;
  cmdRef: string;
  cmd: string;
  code: string;
  chal?: SyncMLMeta;
  targetRef?: string;
  sourceRef?: string;
}): SyncMLCommand {
  const s: SyncMLCommand = { verb: 'Status', cmdId: opts.cmdId, msgRef: opts.msgRef, cmdRef: opts.cmdRef, cmd: opts.cmd, data: opts.code, items: [] };
  if (opts.chal) s.chal = opts.chal;
  if (opts.targetRef !== undefined) s.targetRef = opts.targetRef;
  if (opts.sourceRef !== undefined) s.sourceRef = opts.sourceRef;
  return s;
}

/** Results for a Get: one Item per node read. */
export function resultsFor(opts: { cmdId: string; msgRef: string; cmdRef: string; items: SyncMLItem[] }): SyncMLCommand {
  return { verb: 'Results', cmdId: opts.cmdId, msgRef: opts.msgRef, cmdRef: opts.cmdRef, items: opts.items };
}

export function alert(cmdId: string, code: string, items: SyncMLItem[] = []): SyncMLCommand {
  return { verb: 'Alert', cmdId, data: code, items };
}

/** A command on one node (Get, Replace, Add, Delete, Exec). */
export function nodeCommand(verb: Exclude<SyncMLVerb, 'Status' | 'Results' | 'Alert' | 'Atomic' | 'Sequence'>, cmdId: string, target: string, data?: SyncMLData, meta?: SyncMLMeta): SyncMLCommand {
  const item: SyncMLItem = { target };
  if (meta) item.meta = meta;
  if (data !== undefined) item.data = data;
  return { verb, cmdId, items: [item] };
}
