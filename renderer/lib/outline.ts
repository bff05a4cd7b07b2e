import { SYNCML_ALERT, cspMeaning, statusMeaning } from './syncml-codes';
import { STEP_KIND_IDS, stepKind } from '../../emulators/protocols/steps';
import { shortAction } from './protocol';

/**
 * A protocol-aware outline of a message body: the SOAP action and WS-Trust items of MS-MDE2 messages, the SyncML
 * commands of MS-MDM sessions with CmdID, status meanings and CSP paths. Pure (DOMParser only), so it can be
 * memoised per step and tested in jsdom.
 */
export interface OutlineNode {
  label: string;
  value?: string;
  /** One line saying what the value means. */
  meaning?: string;
  tone?: 'ok' | 'warn' | 'error';
  children?: OutlineNode[];
}

export interface Outline {
  protocol: 'soap' | 'syncml' | 'wap-provisioningdoc' | 'xml';
  title: string;
  nodes: OutlineNode[];
}

const local = (el: Element) => el.localName;
const kids = (el: Element) => Array.from(el.children);
const child = (el: Element | null | undefined, name: string) => (el ? kids(el).find((c) => local(c) === name) : undefined);
const text = (el: Element | null | undefined) => el?.textContent?.trim() ?? '';
const path = (el: Element | null | undefined, ...names: string[]) => names.reduce<Element | undefined>((e, n) => child(e, n), el ?? undefined);

function parseXml(body: string): Document | null {
  if (!/^\s*</.test(body)) return null;
  const doc = new DOMParser().parseFromString(body, 'application/xml');
  return doc.getElementsByTagName('parsererror').length ? null : doc;
}

/** The last segment of a URI action: ".../RST/wstep" → "RST/wstep", ".../IDiscoveryService/Discover" → "Discover". */
/** What a SOAP action means, from the step catalog: the request or reply of one catalog entry. */
function actionMeaning(action: string): string | undefined {
  for (const id of STEP_KIND_IDS) {
    const k = stepKind(id);
    if (!k.soap) continue;
    if (k.soap.request === action) return `${k.spec.doc} ${k.spec.section}: ${k.title}`;
    if (k.soap.reply === action) return `${k.spec.doc} ${k.spec.section}: the reply to ${k.title}`;
  }
  return undefined;
}

function soapHeader(header: Element | undefined): OutlineNode[] {
  if (!header) return [];
  const out: OutlineNode[] = [];
  for (const h of kids(header)) {
    const name = local(h);
    if (name === 'Action') out.push({ label: 'Action', value: text(h), meaning: actionMeaning(text(h)) });
    else if (name === 'MessageID' || name === 'RelatesTo' || name === 'To') out.push({ label: name, value: text(h) });
    else if (name === 'ReplyTo') out.push({ label: 'ReplyTo', value: text(path(h, 'Address')) });
    else if (name === 'Security') {
      const items: OutlineNode[] = [];
      for (const s of kids(h)) {
        if (local(s) === 'BinarySecurityToken') items.push(binaryToken(s));
        else if (local(s) === 'UsernameToken') items.push({ label: 'UsernameToken', value: text(path(s, 'Username')), meaning: 'On-premise username/password auth' });
        else if (local(s) === 'Timestamp') items.push({ label: 'Timestamp', value: `${text(path(s, 'Created'))} → ${text(path(s, 'Expires'))}` });
        else items.push({ label: local(s) });
      }
      out.push({ label: 'wsse:Security', meaning: 'WS-Security header: how the client authenticates', children: items });
    } else out.push({ label: name, value: text(h).slice(0, 120) });
  }
  return out;
}

const VALUE_TYPES: Readonly<Record<string, string>> = {
  'urn:ietf:params:oauth:token-type:jwt': 'An Entra access token (JWT) for the MDM resource',
  DeviceEnrollmentUserToken: "Fleet's device token (base64 JSON)",
  PKCS10: 'A PKCS#10 certificate signing request',
};

function binaryToken(el: Element): OutlineNode {
  const vt = el.getAttribute('ValueType') ?? '';
  const key = Object.keys(VALUE_TYPES).find((k) => vt.endsWith(k));
  return { label: 'BinarySecurityToken', value: vt.split(/[#/]/).pop() ?? vt, meaning: key ? VALUE_TYPES[key] : vt, children: [{ label: 'length', value: `${text(el).length} chars` }] };
}

/** Leaf elements as name = value (AdditionalContext, Discover's request fields, policy attributes). */
function leaves(el: Element, depth = 0): OutlineNode[] {
  return kids(el).map((c) => {
    if (local(c) === 'ContextItem') return { label: c.getAttribute('Name') ?? 'ContextItem', value: text(path(c, 'Value')) };
    if (local(c) === 'BinarySecurityToken') return binaryToken(c);
    if (c.children.length === 0 || depth > 3) return { label: local(c), value: text(c).slice(0, 160) };
    return { label: local(c), children: leaves(c, depth + 1) };
  });
}

function soapBody(body: Element | undefined): OutlineNode[] {
  const first = body ? kids(body)[0] : undefined;
  if (!first) return [];
  if (local(first) === 'Fault') {
    const code = text(path(first, 'Code', 'Value'));
    const sub = text(path(first, 'Code', 'Subcode', 'Value'));
    const reason = text(path(first, 'Reason', 'Text'));
    return [{ label: 'Fault', tone: 'error', meaning: 'The server refused the request', children: [{ label: 'Code', value: code }, { label: 'Subcode', value: sub }, { label: 'Reason', value: reason }] }];
  }
  if (local(first) === 'RequestSecurityTokenResponseCollection') {
    const rstr = child(first, 'RequestSecurityTokenResponse');
    const nodes: OutlineNode[] = [];
    if (rstr) {
      nodes.push({ label: 'TokenType', value: text(child(rstr, 'TokenType')) });
      if (child(rstr, 'DispositionMessage')) nodes.push({ label: 'DispositionMessage', value: text(child(rstr, 'DispositionMessage')) });
      const bst = path(rstr, 'RequestedSecurityToken', 'BinarySecurityToken');
      if (bst) {
        const doc = provisioningDoc(text(bst));
        nodes.push({ label: 'RequestedSecurityToken', meaning: 'The base64 wap-provisioningdoc', children: doc ? doc.nodes : [] });
      }
      nodes.push({ label: 'RequestID', value: text(child(rstr, 'RequestID')) });
    }
    return [{ label: 'RequestSecurityTokenResponseCollection', meaning: 'WS-Trust response (MS-WSTEP)', children: nodes }];
  }
  if (local(first) === 'RequestSecurityToken') {
    return [{ label: 'RequestSecurityToken', meaning: 'WS-Trust request (MS-WSTEP)', children: leaves(first) }];
  }
  return [{ label: local(first), children: leaves(first) }];
}

function decodeBase64(s: string): string | null {
  try {
    const bin = atob(s.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

const CHARACTERISTICS: Readonly<Record<string, string>> = {
  CertificateStore: 'Certificates to install: the identity (root) and the client cert',
  APPLICATION: 'The DM server account: address, credentials (DM client digest)',
  DMClient: 'DMClient CSP: poll schedule, enrollment ids',
  Registry: 'Registry values for the enrollment',
};

/** The wap-provisioningdoc inside the RSTR: its top-level characteristics. */
export function provisioningDoc(b64: string): Outline | null {
  const xml = decodeBase64(b64);
  const doc = xml ? parseXml(xml) : null;
  return doc ? provisioningDocOf(doc) : null;
}

function provisioningDocOf(doc: Document): Outline | null {
  if (local(doc.documentElement) !== 'wap-provisioningdoc') return null;
  const nodes = kids(doc.documentElement).map((c) => {
    const type = c.getAttribute('type') ?? local(c);
    return { label: `characteristic ${type}`, meaning: CHARACTERISTICS[type], children: kids(c).map((g) => ({ label: g.getAttribute('type') ?? g.getAttribute('name') ?? local(g), value: g.getAttribute('value') ?? undefined })) };
  });
  return { protocol: 'wap-provisioningdoc', title: 'wap-provisioningdoc', nodes };
}

const SYNCML_COMMANDS = new Set(['Add', 'Alert', 'Atomic', 'Copy', 'Delete', 'Exec', 'Get', 'Replace', 'Results', 'Sequence', 'Status', 'Final']);

function syncItems(cmd: Element): OutlineNode[] {
  return kids(cmd)
    .filter((c) => local(c) === 'Item')
    .map((item) => {
      const target = text(path(item, 'Target', 'LocURI'));
      const source = text(path(item, 'Source', 'LocURI'));
      const uri = target || source;
      const format = text(path(item, 'Meta', 'Format'));
      const data = text(child(item, 'Data'));
      const children: OutlineNode[] = [];
      if (format) children.push({ label: 'Format', value: format });
      if (data) children.push({ label: 'Data', value: data.length > 120 ? `${data.slice(0, 120)}… (${data.length} chars)` : data });
      return { label: target ? 'Target' : source ? 'Source' : 'Item', value: uri, meaning: cspMeaning(uri), children };
    });
}

function syncCommand(cmd: Element): OutlineNode {
  const name = local(cmd);
  const cmdId = text(child(cmd, 'CmdID'));
  const label = cmdId ? `${name} #${cmdId}` : name;
  if (name === 'Status') {
    const code = text(child(cmd, 'Data'));
    const ref = `${text(child(cmd, 'Cmd'))} #${text(child(cmd, 'CmdRef'))} (msg ${text(child(cmd, 'MsgRef'))})`;
    return { label, value: code, meaning: `${statusMeaning(code)}: for ${ref}`, tone: code.startsWith('2') ? 'ok' : code.startsWith('4') || code.startsWith('5') ? 'error' : undefined };
  }
  if (name === 'Alert') {
    const code = text(child(cmd, 'Data'));
    return { label, value: code, meaning: SYNCML_ALERT[code] ?? 'Alert', children: syncItems(cmd) };
  }
  if (name === 'Atomic' || name === 'Sequence') {
    return { label, children: kids(cmd).filter((c) => SYNCML_COMMANDS.has(local(c))).map(syncCommand) };
  }
  if (name === 'Final') return { label: 'Final', meaning: 'Last message of this package' };
  return { label, children: syncItems(cmd) };
}

function syncml(root: Element): Outline {
  const hdr = child(root, 'SyncHdr');
  const body = child(root, 'SyncBody');
  const hdrNodes: OutlineNode[] = [];
  if (hdr) {
    hdrNodes.push({ label: 'SessionID', value: text(child(hdr, 'SessionID')) }, { label: 'MsgID', value: text(child(hdr, 'MsgID')) });
    hdrNodes.push({ label: 'Target', value: text(path(hdr, 'Target', 'LocURI')) }, { label: 'Source', value: text(path(hdr, 'Source', 'LocURI')) });
    if (child(hdr, 'Cred')) hdrNodes.push({ label: 'Cred', meaning: 'Client credentials (MD5 digest)' });
  }
  const commands = body ? kids(body).filter((c) => SYNCML_COMMANDS.has(local(c))).map(syncCommand) : [];
  return { protocol: 'syncml', title: 'SyncML (OMA DM)', nodes: [{ label: 'SyncHdr', children: hdrNodes }, ...commands] };
}

/** Outline any body: SOAP (MS-MDE2 / WS-Trust), SyncML, a provisioning doc; null for non-XML bodies. */
export function outline(body: string): Outline | null {
  const doc = parseXml(body);
  if (!doc) return null;
  const root = doc.documentElement;
  if (local(root) === 'SyncML') return syncml(root);
  if (local(root) === 'wap-provisioningdoc') return provisioningDocOf(doc);
  if (local(root) === 'Envelope') {
    const action = text(path(root, 'Header', 'Action'));
    return { protocol: 'soap', title: action ? `SOAP ${shortAction(action)}` : 'SOAP', nodes: [...soapHeader(child(root, 'Header')), ...soapBody(child(root, 'Body'))] };
  }
  return { protocol: 'xml', title: local(root), nodes: leaves(root) };
}
