import { child, childElements, parseXmlDocument, path, text as rawText, type XmlEl } from '../protocols/xml.js';
import type { HttpRequestRecord, HttpResponseRecord, StepProtocol, SyncMessageFacts } from './step.js';

/**
 * A step's protocol facts, decoded once when the recorder sees its request and again when the response arrives:
 * the SOAP action and fault (MS-MDE2 / MS-WSTEP), the SyncML commands and statuses (MS-MDM), the OAuth grant and
 * error (RFC 6749 §5.2, AADSTS codes), Fleet's JSON error message.
 */

const SYNCML_COMMANDS = new Set(['Add', 'Alert', 'Atomic', 'Delete', 'Exec', 'Get', 'Replace', 'Results', 'Sequence']);
/** Bodies bigger than this are not parsed (an MSI, a big Results): the facts say nothing rather than stall a step. */
const MAX_PARSE = 512 * 1024;

type El = XmlEl;
const NOT_XML = (m: string) => new Error(m);

/** The last bodies parsed: a step's request is decoded when it opens and again with its response, parsed once. */
const parsed = new Map<string, El | null>();
const PARSED_KEPT = 16;

/** The root element of an XML body, or null for anything that is not well-formed XML. */
function parse(body: string): El | null {
  if (!body || body.length > MAX_PARSE || !body.trimStart().startsWith('<')) return null;
  const hit = parsed.get(body);
  if (hit !== undefined) return hit;
  let root: El | null;
  try {
    root = parseXmlDocument(body, NOT_XML).documentElement;
  } catch {
    root = null;
  }
  if (parsed.size >= PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
  parsed.set(body, root);
  return root;
}

const text = (el: El | null): string => rawText(el).trim();
/** Fleet writes its faults in lower case (`s:fault`, `s:subcode`, NewSoapFault): match names in any case there. */
const childCi = (el: El | null, name: string): El | null => childElements(el).find((k) => (k.localName ?? '').toLowerCase() === name.toLowerCase()) ?? null;

function syncMessage(root: El | null): SyncMessageFacts | null {
  if (!root || root.localName !== 'SyncML') return null;
  const hdr = child(root, 'SyncHdr');
  const body = child(root, 'SyncBody');
  const commands: SyncMessageFacts['commands'] = [];
  const statuses: SyncMessageFacts['statuses'] = [];
  for (const c of childElements(body)) {
    const verb = c.localName ?? '';
    if (verb === 'Status') {
      statuses.push({ cmdRef: text(child(c, 'CmdRef')), cmd: text(child(c, 'Cmd')), code: text(child(c, 'Data')) });
    } else if (SYNCML_COMMANDS.has(verb)) {
      const target = text(path(c, 'Item', 'Target', 'LocURI'));
      const data = verb === 'Alert' ? text(child(c, 'Data')) : '';
      commands.push({ verb, cmdId: text(child(c, 'CmdID')), ...(target && { target }), ...(data && { data }) });
    }
  }
  return { sessionId: text(child(hdr, 'SessionID')), msgId: text(child(hdr, 'MsgID')), commands, statuses };
}

function soapAction(root: El | null): string | null {
  if (!root || root.localName !== 'Envelope') return null;
  return text(path(root, 'Header', 'Action')) || null;
}

/** A SOAP fault's subcode, else its reason text (Fleet writes both in lower case, fleet.md §2.8). */
function soapFault(root: El | null): string | null | undefined {
  const fault = childCi(childCi(root, 'Body'), 'Fault');
  if (!fault) return undefined;
  const sub = text(childCi(childCi(childCi(fault, 'Code'), 'Subcode'), 'Value'));
  const reason = text(childCi(childCi(fault, 'Reason'), 'Text'));
  return reason || sub || null;
}

/** Fleet's JSON errors (`message`, `errors[].reason`), OAuth errors (`error`, `error_codes`), DRS ErrorDetails (`Message`). */
function jsonError(body: string): { error: string | null; aadsts: number[] } | null {
  if (!body || body.length > MAX_PARSE || !body.trimStart().startsWith('{')) return null;
  try {
    const j = JSON.parse(body) as { message?: unknown; error?: unknown; errors?: { reason?: unknown }[]; error_codes?: unknown; Message?: unknown };
    const reason = Array.isArray(j.errors) ? j.errors.find((e) => typeof e?.reason === 'string')?.reason : undefined;
    const error = [j.message, reason, j.error, j.Message].find((v): v is string => typeof v === 'string' && v.length > 0) ?? null;
    const aadsts = Array.isArray(j.error_codes) ? j.error_codes.filter((c): c is number => Number.isInteger(c)) : [];
    return { error, aadsts };
  } catch {
    return null;
  }
}

function grantOf(req: HttpRequestRecord): string | null {
  if (!/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '') && !req.body.includes('grant_type=')) return null;
  try {
    return new URLSearchParams(req.body).get('grant_type');
  } catch {
    return null;
  }
}

const textOf = (r: HttpRequestRecord | HttpResponseRecord | undefined): string => (r && r.bodyEncoding !== 'base64' ? r.body : '');

/** The facts of an HTTP step, from its request and (once answered) its response. */
export function decodeProtocol(req: HttpRequestRecord | undefined, res: HttpResponseRecord | undefined): StepProtocol {
  const reqRoot = parse(textOf(req));
  const resRoot = parse(textOf(res));
  const failed = res !== undefined && res.status >= 400;
  if (reqRoot?.localName === 'SyncML' || resRoot?.localName === 'SyncML') {
    const json = failed ? jsonError(textOf(res)) : null;
    return { kind: 'syncml', request: syncMessage(reqRoot), reply: syncMessage(resRoot), error: json?.error ?? (failed ? `HTTP ${res.status}` : null) };
  }
  if (reqRoot?.localName === 'Envelope' || resRoot?.localName === 'Envelope') {
    const fault = soapFault(resRoot);
    return { kind: 'soap', action: soapAction(reqRoot), replyAction: soapAction(resRoot), fault: fault !== undefined, error: fault ?? (failed ? `HTTP ${res.status}` : null) };
  }
  const grant = req ? grantOf(req) : null;
  const json = jsonError(textOf(res));
  const error = failed ? (json?.error ?? null) : null;
  if (grant !== null || (req && /\/oauth2\//i.test(req.url))) return { kind: 'oauth', grant, error, aadsts: failed ? (json?.aadsts ?? []) : [] };
  if (json) return { kind: 'json', error };
  return { kind: 'http', error };
}
