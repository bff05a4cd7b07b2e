import { childElements, goEscape, parseXmlDocument, text, type XmlEl } from '../../protocols/xml.js';
import { currentStep } from '../../lab/context.js';
import type { MdmContext } from '../context.js';

/**
 * The wire form of a queued command (Fleet getPendingMDMCmds, server/service/microsoft_mdm.go; #53280): the stored
 * raw_command, secrets expanded, is decoded with fleet.UnmarshallMultiTopLevelXMLProfile into SyncMLCmd structs and
 * the reply marshals those, so what goes out is Go's xml.Marshal of the structs (server/fleet/windows_mdm.go), not
 * the stored text: compact, fields in struct order, elements the struct lacks dropped. A command that does not
 * decode is logged ("getPendingMDMCmds syncML cmd creation") and skipped; it stays queued (Fleet only `continue`s).
 * ExpandEmbeddedSecrets: the lab stores no `$FLEET_SECRET_*` values, so there is nothing to expand here.
 */

export type WireResult = { ok: true; xml: string } | { ok: false; error: string };

/** The log line Fleet writes for an undecodable pending command (logging.WithErr + ctxerr.Wrap). */
export const PENDING_CMD_LOG_PREFIX = 'getPendingMDMCmds syncML cmd creation';

/**
 * The first bad entity reference, as Go's strict xml.Decoder reports it: `&name` not closed by `;`, or an unknown
 * name. Go's text: "XML syntax error on line N: invalid character entity &name (no semicolon)". Comments and CDATA
 * sections are not scanned (the decoder does not read entities there).
 */
function goEntityError(raw: string): string | null {
  const known = new Set(['lt', 'gt', 'amp', 'apos', 'quot']);
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|&(#x[0-9a-fA-F]+;|#[0-9]+;|[A-Za-z_:][-A-Za-z0-9_:.]*;?)?/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    if (!m[0].startsWith('&')) continue;
    const ref = m[1] ?? '';
    if (ref.startsWith('#')) continue;
    if (ref.endsWith(';') && known.has(ref.slice(0, -1))) continue;
    const line = raw.slice(0, m.index).split('\n').length;
    const ent = `&${ref}`;
    return `XML syntax error on line ${line}: invalid character entity ${ent.endsWith(';') ? ent : `${ent} (no semicolon)`}`;
  }
  return null;
}

function lastChildText(el: XmlEl, name: string): string | undefined {
  const found = childElements(el, name);
  return found.length === 0 ? undefined : text(found[found.length - 1]!);
}

/** Go's encoding of an element whose content is chardata (a string field). */
function simple(name: string, value: string | undefined, attrs = ''): string {
  return value === undefined ? '' : `<${name}${attrs}>${goEscape(value)}</${name}>`;
}

function attrsOf(el: XmlEl): string {
  let out = '';
  for (const a of el.attributes) out += ` ${a.name}="${goEscape(a.value)}"`;
  return out;
}

/** MetaAttr {XMLNS `xmlns,attr`, Content `,chardata`}: the xmlns attribute is always written, empty or not. */
function metaAttr(meta: XmlEl, name: string): string {
  const found = childElements(meta, name);
  if (found.length === 0) return '';
  const el = found[found.length - 1]!;
  return `<${name} xmlns="${goEscape(el.getAttribute('xmlns') ?? '')}">${goEscape(text(el))}</${name}>`;
}

/** CmdItem {Source>LocURI, Target>LocURI, Meta {Type, Format}, Data RawXmlData {any attrs, innerxml}}. */
function item(el: XmlEl, dataInner: () => string): string {
  const loc = (name: string): string => {
    const box = childElements(el, name);
    if (box.length === 0) return '';
    const uri = lastChildText(box[box.length - 1]!, 'LocURI');
    return uri === undefined ? '' : `<${name}><LocURI>${goEscape(uri)}</LocURI></${name}>`;
  };
  const metas = childElements(el, 'Meta');
  const meta = metas.length === 0 ? '' : `<Meta>${metaAttr(metas[metas.length - 1]!, 'Type')}${metaAttr(metas[metas.length - 1]!, 'Format')}</Meta>`;
  let data = '';
  for (const d of childElements(el, 'Data')) data = `<Data${attrsOf(d)}>${dataInner()}</Data>`;
  return `<Item>${loc('Source')}${loc('Target')}${meta}${data}</Item>`;
}

/** SyncMLCmd {XMLName, CmdID, MsgRef, CmdRef, Cmd, Data, Item[], Replace[], Add[]} in struct order. */
function command(el: XmlEl, dataInner: () => string, top: boolean): string {
  const name = el.localName;
  // XMLName keeps the namespace the element was in: a declared default namespace is written back.
  const ns = top && el.namespaceURI ? ` xmlns="${goEscape(el.namespaceURI)}"` : '';
  let out = `<${name}${ns}><CmdID>${goEscape(lastChildText(el, 'CmdID') ?? '')}</CmdID>`;
  out += simple('MsgRef', lastChildText(el, 'MsgRef')) + simple('CmdRef', lastChildText(el, 'CmdRef')) + simple('Cmd', lastChildText(el, 'Cmd'));
  // Command-level Data is a *string; the item-level Data elements consume the raw inner XML in document order.
  const cmdData = childElements(el, 'Data');
  if (cmdData.length > 0) {
    for (let i = 0; i < cmdData.length; i++) dataInner();
    out += simple('Data', text(cmdData[cmdData.length - 1]!));
  }
  // Elements are visited in document order so the raw Data contents line up; output order is the struct's.
  const items: string[] = [];
  const replaces: string[] = [];
  const adds: string[] = [];
  for (const c of childElements(el)) {
    if (c.localName === 'Item') items.push(item(c, dataInner));
    else if (c.localName === 'Replace') replaces.push(command(c, dataInner, false));
    else if (c.localName === 'Add') adds.push(command(c, dataInner, false));
    else skipData(c, dataInner);
  }
  return `${out}${items.join('')}${replaces.join('')}${adds.join('')}</${name}>`;
}

/** An element the struct has no field for: its Data descendants still consume their raw contents. */
function skipData(el: XmlEl, dataInner: () => string): void {
  for (const c of childElements(el)) {
    if (c.localName === 'Data') dataInner();
    skipData(c, dataInner);
  }
}

/**
 * Decode a stored command (one or more top-level elements) and marshal it as Fleet would put it on the wire, or say
 * why Fleet's decoder refuses it.
 */
export function marshalPendingCommand(raw: string): WireResult {
  const entity = goEntityError(raw);
  if (entity) return { ok: false, error: entity };
  let root: XmlEl;
  try {
    const doc = parseXmlDocument(`<r>${raw}</r>`, (m) => new Error(m));
    root = doc.documentElement;
  } catch (e) {
    // Not Go's wording for every case (only the entity errors above are); the reason is the same malformed XML.
    return { ok: false, error: `XML syntax error: ${(e as Error).message}` };
  }
  // RawXmlData's innerxml: the bytes between <Data …> and </Data> exactly as stored, in document order.
  const inners: string[] = [];
  const dataRe = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<Data(?:\s[^>]*?)?(?:\/>|>([\s\S]*?)<\/Data\s*>)/g;
  for (let m = dataRe.exec(raw); m; m = dataRe.exec(raw)) if (m[0].startsWith('<Data')) inners.push(m[1] ?? '');
  let k = 0;
  const dataInner = () => inners[k++] ?? '';
  return { ok: true, xml: childElements(root).map((c) => command(c, dataInner, true)).join('') };
}

/**
 * Fleet's log line, attached to the running step's detail so the timeline shows it (`fleetLog`), with the skipped
 * command's uuid (`skippedCommands`; Fleet's line does not name it).
 */
export function logOnStep(ctx: MdmContext, line: string, skippedCommandUuid: string): void {
  const s = currentStep();
  const step = s ? ctx.lab.recorder.get(s.stepId) : undefined;
  if (!step) return;
  const log = (step.detail?.fleetLog as string[] | undefined) ?? [];
  const skipped = (step.detail?.skippedCommands as string[] | undefined) ?? [];
  step.detail = { ...step.detail, fleetLog: [...log, line], skippedCommands: [...skipped, skippedCommandUuid] };
}
