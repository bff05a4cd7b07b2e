import { createHash } from 'node:crypto';
import { DOMParser, XMLSerializer, type Element, type Node } from '@xmldom/xmldom';

/**
 * OMA-DM SyncML 1.2 (MS-MDM; entra-mde2.md §8, fleet.md §2.10): the codec both sides use. Parsing is
 * namespace-tolerant (SYNCML:SYNCML1.2 or 1.1, `syncml:metinf` on Meta children, any prefix); building writes the
 * elements in DTD order with the namespaces Fleet and Windows write.
 */

export const SYNCML_NS = 'SYNCML:SYNCML1.2';
export const METINF_NS = 'syncml:metinf';
export const SYNCML_CONTENT_TYPE = 'application/vnd.syncml.dm+xml';
/** Cred/Chal Meta values Fleet requires (syncml.AuthMD5 / syncml.AuthB64Format). */
export const AUTH_MD5 = 'syncml:auth-md5';
export const AUTH_B64 = 'b64';

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

function children(el: Element, local?: string): Element[] {
  const out: Element[] = [];
  for (let n: Node | null = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (local === undefined || (n as Element).localName === local)) out.push(n as Element);
  }
  return out;
}

function child(el: Element | undefined, local: string): Element | undefined {
  return el ? children(el, local)[0] : undefined;
}

function text(el: Element | undefined): string | undefined {
  return el ? (el.textContent ?? '').trim() : undefined;
}

function locUri(el: Element | undefined): string | undefined {
  return text(child(el, 'LocURI'));
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
function dataOf(el: Element | undefined): SyncMLData | undefined {
  if (!el) return undefined;
  if (children(el).length === 0) return el.textContent ?? '';
  let xml = '';
  for (let n: Node | null = el.firstChild; n; n = n.nextSibling) xml += markup(n);
  return { xml: xml.trim() };
}

function metaOf(el: Element | undefined): SyncMLMeta | undefined {
  if (!el) return undefined;
  const m: SyncMLMeta = {};
  const t = text(child(el, 'Type'));
  const f = text(child(el, 'Format'));
  const nn = text(child(el, 'NextNonce'));
  const mark = text(child(el, 'Mark'));
  const size = text(child(el, 'Size'));
  const max = text(child(el, 'MaxMsgSize'));
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
    cmdId: text(child(el, 'CmdID')) ?? '',
    items: children(el, 'Item').map(itemOf),
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
    const v = text(child(el, tag));
    if (v !== undefined) cmd[k] = v;
  }
  const meta = metaOf(child(el, 'Meta'));
  if (meta) cmd.meta = meta;
  const chal = metaOf(child(child(el, 'Chal'), 'Meta'));
  if (chal) cmd.chal = chal;
  const data = child(el, 'Data');
  if (data) cmd.data = (data.textContent ?? '').trim();
  if (verb === 'Atomic' || verb === 'Sequence') {
    cmd.commands = children(el).filter((c) => VERBS.includes(c.localName as SyncMLVerb)).map(commandOf);
  }
  return cmd;
}

/**
 * Parse a SyncML message. Throws SyncMLParseError for XML that does not parse or is not SyncML at all; a message
 * that parses but lacks header fields is returned as is (the server's `validateSyncML` says what is missing).
 */
export function parseSyncML(xml: string): ParsedSyncMLMessage {
  let doc;
  try {
    doc = new DOMParser({
      onError: (level, msg) => {
        if (level !== 'warning') throw new SyncMLParseError(msg);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (e) {
    throw e instanceof SyncMLParseError ? e : new SyncMLParseError((e as Error).message);
  }
  const root = doc.documentElement;
  if (!root || root.localName !== 'SyncML') throw new SyncMLParseError('root element is not SyncML');
  const hdrEl = child(root, 'SyncHdr');
  const bodyEl = child(root, 'SyncBody');
  if (!hdrEl || !bodyEl) throw new SyncMLParseError('SyncML without SyncHdr or SyncBody');
  const hdr: SyncHdr = {
    verDTD: text(child(hdrEl, 'VerDTD')) ?? '',
    verProto: text(child(hdrEl, 'VerProto')) ?? '',
    sessionId: text(child(hdrEl, 'SessionID')) ?? '',
    msgId: text(child(hdrEl, 'MsgID')) ?? '',
    target: locUri(child(hdrEl, 'Target')) ?? '',
    source: locUri(child(hdrEl, 'Source')) ?? '',
  };
  const credEl = child(hdrEl, 'Cred');
  if (credEl) {
    const m = metaOf(child(credEl, 'Meta')) ?? {};
    hdr.cred = { type: m.type ?? '', format: m.format ?? '', data: text(child(credEl, 'Data')) ?? '' };
  }
  const hdrMeta = metaOf(child(hdrEl, 'Meta'));
  if (hdrMeta) hdr.meta = hdrMeta;
  const commands = children(bodyEl)
    .filter((c) => VERBS.includes(c.localName as SyncMLVerb))
    .map(commandOf);
  return { namespace: root.namespaceURI ?? '', hdr, commands, final: child(bodyEl, 'Final') !== undefined };
}

/** Item data as text: embedded XML is returned as its markup. */
export function dataText(d: SyncMLData | undefined): string | undefined {
  return d === undefined ? undefined : typeof d === 'string' ? d : d.xml;
}

// ---------------------------------------------------------------- building

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function el(tag: string, content: string | undefined): string {
  return content === undefined ? '' : `<${tag}>${escapeXml(content)}</${tag}>`;
}

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
  return typeof d === 'string' ? `<Data>${escapeXml(d)}</Data>` : `<Data>${d.xml}</Data>`;
}

function buildItem(i: SyncMLItem): string {
  const target = i.target === undefined ? '' : `<Target><LocURI>${escapeXml(i.target)}</LocURI></Target>`;
  const source = i.source === undefined ? '' : `<Source><LocURI>${escapeXml(i.source)}</LocURI></Source>`;
  return `<Item>${target}${source}${buildMeta(i.meta)}${buildData(i.data)}</Item>`;
}

/** One command in DTD element order. */
export function buildCommand(c: SyncMLCommand): string {
  const head = `${el('CmdID', c.cmdId)}`;
  const items = c.items.map(buildItem).join('');
  const noResp = c.noResp ? '<NoResp/>' : '';
  switch (c.verb) {
    case 'Status':
      return `<Status>${head}${el('MsgRef', c.msgRef)}${el('CmdRef', c.cmdRef)}${el('Cmd', c.cmd)}${el('TargetRef', c.targetRef)}${el('SourceRef', c.sourceRef)}${c.chal ? `<Chal>${buildMeta(c.chal)}</Chal>` : ''}${el('Data', c.data)}${items}</Status>`;
    case 'Alert':
      return `<Alert>${head}${noResp}${el('Data', c.data)}${items}</Alert>`;
    case 'Results':
      return `<Results>${head}${el('MsgRef', c.msgRef)}${el('CmdRef', c.cmdRef)}${buildMeta(c.meta)}${el('TargetRef', c.targetRef)}${el('SourceRef', c.sourceRef)}${items}</Results>`;
    case 'Atomic':
    case 'Sequence':
      return `<${c.verb}>${head}${noResp}${buildMeta(c.meta)}${(c.commands ?? []).map(buildCommand).join('')}</${c.verb}>`;
    default:
      return `<${c.verb}>${head}${noResp}${buildMeta(c.meta)}${items}</${c.verb}>`;
  }
}

export function buildSyncHdr(h: SyncHdr): string {
  const cred = h.cred
    ? `<Cred>${buildMeta({ format: h.cred.format, type: h.cred.type })}<Data>${escapeXml(h.cred.data)}</Data></Cred>`
    : '';
  return (
    `<SyncHdr><VerDTD>${escapeXml(h.verDTD)}</VerDTD><VerProto>${escapeXml(h.verProto)}</VerProto>` +
    `<SessionID>${escapeXml(h.sessionId)}</SessionID><MsgID>${escapeXml(h.msgId)}</MsgID>` +
    `<Target><LocURI>${escapeXml(h.target)}</LocURI></Target><Source><LocURI>${escapeXml(h.source)}</LocURI></Source>` +
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

// ---------------------------------------------------------------- MD5 digest auth (OMA-DM security §5.3)

function md5(data: string | Buffer): Buffer {
  return createHash('md5').update(data).digest();
}

/** MD5("name:secret"): the 16 bytes Fleet stores as `credentials_hash`. */
export function credentialsHash(name: string, secret: string): Buffer {
  return md5(`${name}:${secret}`);
}

/** What the server expects in Cred/Data: base64(MD5(base64(credentials_hash) + ":" + nonce)). */
export function digestFromHash(hash: Buffer, nonce: string): string {
  return md5(`${hash.toString('base64')}:${nonce}`).toString('base64');
}

/** The client side: base64(MD5(base64(MD5(name:secret)) + ":" + nonce)); `nonce` is NextNonce base64-decoded. */
export function clientDigest(name: string, secret: string, nonce: string): string {
  return digestFromHash(credentialsHash(name, secret), nonce);
}

/** The SyncHdr Cred a client sends. */
export function md5Cred(name: string, secret: string, nonce: string): SyncMLCred {
  return { type: AUTH_MD5, format: AUTH_B64, data: clientDigest(name, secret, nonce) };
}

/** NextNonce travels base64 (format b64); the digest uses the decoded value. */
export function decodeNextNonce(nextNonce: string): string {
  return Buffer.from(nextNonce, 'base64').toString('utf8');
}
