import { escapeXml, textEl } from '../xml.js';
import { METINF_NS, SYNCML_NS, type SyncHdr, type SyncMLCommand, type SyncMLCred, type SyncMLData, type SyncMLItem, type SyncMLMessage, type SyncMLMeta, type SyncMLVerb } from './model.js';

/** Writing a SyncML package (MS-MDM 2.2.4): elements in DTD order, with the namespaces Fleet and Windows write. */
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
