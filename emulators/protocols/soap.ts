import { attr, child, childElements, el, escapeXml, marshalIndent, parseXmlDocument, path, text, textEl, type XmlElement, type XmlEl } from './xml.js';

/**
 * SOAP 1.2 as MS-MDE2 uses it (reference/entra-mde2.md §7): parse an incoming envelope namespace-aware, read its
 * WS-Addressing header and WS-Security BinarySecurityToken, and build envelopes. Shared by the MDM server and the
 * virtual device. The element helpers are xml.ts's (lookups by local name, as Fleet's Go decoding does).
 */

export const NS = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  a: 'http://www.w3.org/2005/08/addressing',
  u: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wst: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512',
  ac: 'http://schemas.xmlsoap.org/ws/2006/12/authorization',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  diag: 'http://schemas.microsoft.com/2004/09/ServiceModel/Diagnostics',
} as const;

export const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';
/** WS-Security base64 encoding type (Fleet's EnrollEncode). */
export const BASE64_BINARY = `${NS.wsse}#base64binary`;
export const ANONYMOUS_REPLY_TO = 'http://www.w3.org/2005/08/addressing/anonymous';

/** XML that cannot be parsed at all: Fleet answers it with HTTP 400 before any SOAP handling (fleet.md §2.1). */
export class SoapParseError extends Error {
  override name = 'SoapParseError';
}

export interface BinarySecurityToken {
  valueType: string;
  encodingType: string;
  /** The element text, trimmed. */
  content: string;
}

export interface SoapHeader {
  action: string;
  messageId: string;
  replyToAddress: string;
  to: string;
  /** `Header/Security/BinarySecurityToken`, when a Security header is present (null otherwise). */
  security: { binarySecurityToken: BinarySecurityToken | null } | null;
}

export interface SoapEnvelope {
  /** Whether the Envelope declares the `s` and `a` prefixes (Fleet's isValidHeader checks the attributes). */
  declaresS: boolean;
  declaresA: boolean;
  header: SoapHeader;
  /** The Body element (null when absent). */
  body: XmlEl | null;
  /** The Body's element children: the message(s). */
  messages: XmlEl[];
}

/** Parse XML strictly: every well-formedness error throws SoapParseError (Fleet: xml.Unmarshal fails). */
export function parseXml(xml: string): XmlEl {
  return parseXmlDocument(xml, (msg) => new SoapParseError(msg.trim())).documentElement;
}

/** A wsse:BinarySecurityToken's attributes and trimmed text ('' for each when the element is absent). */
export function readBinarySecurityToken(el: XmlEl | null): BinarySecurityToken {
  return { valueType: attr(el, 'ValueType'), encodingType: attr(el, 'EncodingType'), content: text(el).trim() };
}

/**
 * Parse a SOAP envelope. An empty body gives an empty envelope (Fleet decodes nothing and lets validation fault);
 * XML that is not well formed, or whose root is not `Envelope`, throws SoapParseError (Fleet: xml.Unmarshal fails).
 */
export function parseSoapEnvelope(xml: string): SoapEnvelope {
  if (xml.length === 0) {
    return {
      declaresS: false,
      declaresA: false,
      header: { action: '', messageId: '', replyToAddress: '', to: '', security: null },
      body: null,
      messages: [],
    };
  }
  const root = parseXml(xml);
  if (root.localName !== 'Envelope') throw new SoapParseError(`expected element type <Envelope> but have <${root.localName}>`);
  const header = child(root, 'Header');
  const security = child(header, 'Security');
  const bst = child(security, 'BinarySecurityToken');
  const body = child(root, 'Body');
  return {
    declaresS: attr(root, 's') !== '',
    declaresA: attr(root, 'a') !== '',
    header: {
      action: text(child(header, 'Action')).trim(),
      messageId: text(child(header, 'MessageID')).trim(),
      replyToAddress: text(path(header, 'ReplyTo', 'Address')).trim(),
      to: text(child(header, 'To')).trim(),
      security: security ? { binarySecurityToken: bst ? readBinarySecurityToken(bst) : null } : null,
    },
    body,
    messages: childElements(body),
  };
}

/** Decode base64 in either alphabet, padded or not, ignoring whitespace; null when it is not base64 at all. */
export function decodeBase64Any(s: string): Buffer | null {
  const compact = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return null;
  const std = compact.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (std.length % 4 === 1) return null;
  return Buffer.from(std, 'base64');
}

// ---------------------------------------------------------------------------------------------------------------
// Envelopes

export interface ResponseEnvelopeOptions {
  action: string;
  relatesTo: string;
  /** Fleet adds an ActivityId (CorrelationId = the same uuid) to discovery responses and faults. */
  activityId?: string;
  /** Declare xmlns:u on the envelope (policy and enroll responses). */
  declareU?: boolean;
  /** WS-Security timestamp (enroll responses): `o:Security/u:Timestamp`. */
  timestamp?: { created: string; expires: string };
  /** Attributes on s:Body (GetPoliciesResponse carries xmlns:xsd and xmlns:xsi there). */
  bodyAttrs?: [string, string][];
  body: XmlElement;
}

/** A server response envelope exactly in Fleet's shape (server/service/microsoft_mdm.go NewSoapResponse). */
export function buildResponseEnvelope(o: ResponseEnvelopeOptions): XmlElement {
  const envAttrs: [string, string][] = [
    ['xmlns:s', NS.s],
    ['xmlns:a', NS.a],
  ];
  if (o.declareU) envAttrs.push(['xmlns:u', NS.u]);
  const header: XmlElement[] = [el('Action', [['mustUnderstand', '1']], o.action), el('a:RelatesTo', null, o.relatesTo)];
  if (o.activityId) {
    header.push(el('ActivityId', [['CorrelationId', o.activityId], ['xmlns', NS.diag]], o.activityId));
  }
  if (o.timestamp) {
    header.push(
      el('o:Security', [['xmlns:o', NS.wsse], ['s:mustUnderstand', '1']], [
        el('u:Timestamp', [['u:Id', '_0']], [el('u:Created', null, o.timestamp.created), el('u:Expires', null, o.timestamp.expires)]),
      ]),
    );
  }
  return el('s:Envelope', envAttrs, [el('s:Header', null, header), el('s:Body', o.bodyAttrs ?? null, [o.body])]);
}

/** Fleet writes responses with a tab indent and a final newline (SoapResponseContainer.hijackRender). */
export function renderResponse(envelope: XmlElement): string {
  return `${marshalIndent(envelope, '\t')}\n`;
}

export const FAULT_SUBCODES = {
  messageFormat: 's:messageformat',
  authentication: 's:authentication',
  authorization: 's:authorization',
  certificateRequest: 's:certificaterequest',
  enrollmentServer: 's:enrollmentserver',
  internalServiceFault: 's:internalservicefault',
  invalidSecurity: 'a:invalidsecurity',
} as const;

/** The `s:fault` body Fleet writes (NewSoapFault): receiver code, a subcode, the Go error string as reason. */
export function soapFaultBody(subcode: string, reason: string): XmlElement {
  return el('s:fault', null, [
    el('s:code', null, [el('s:value', null, 's:receiver'), el('s:subcode', null, [el('s:value', null, subcode)])]),
    el('s:reason', null, [el('s:text', [['xml:lang', 'en-us']], reason)]),
  ]);
}

export interface SoapFault {
  code: string;
  subcode: string;
  reason: string;
}

/** Read a fault from a response envelope (any prefix or case of `fault`); null when the body holds none. */
export function readSoapFault(env: SoapEnvelope): SoapFault | null {
  const f = env.messages.find((m) => (m.localName ?? '').toLowerCase() === 'fault');
  if (!f) return null;
  const ci = (e: XmlEl | null, n: string) => childElements(e).find((c) => (c.localName ?? '').toLowerCase() === n.toLowerCase()) ?? null;
  const code = ci(f, 'code');
  return {
    code: text(ci(code, 'value')).trim(),
    subcode: text(ci(ci(code, 'subcode'), 'value')).trim(),
    reason: text(ci(ci(f, 'reason'), 'text')).trim(),
  };
}

export interface RequestEnvelopeOptions {
  action: string;
  messageId: string;
  to: string;
  /** A header WS-Security BinarySecurityToken (policy and enroll requests). */
  token?: { valueType: string; content: string };
  /** The body message, already serialised (its own namespaces declared on it). */
  bodyXml: string;
}

/** A wsse:BinarySecurityToken as Windows writes one (base64 encoding type), in the header or in an RST body. */
export function binarySecurityTokenXml(t: { valueType: string; content: string }): string {
  return `<wsse:BinarySecurityToken ValueType="${escapeXml(t.valueType)}" EncodingType="${BASE64_BINARY}">${escapeXml(t.content)}</wsse:BinarySecurityToken>`;
}

/** A client request envelope in Windows' shape (prefixes s, a, u, wsse, wst, ac declared on the Envelope). */
export function buildRequestEnvelope(o: RequestEnvelopeOptions): string {
  const security = o.token
    ? `<wsse:Security s:mustUnderstand="1">${binarySecurityTokenXml(o.token)}</wsse:Security>`
    : '';
  return (
    `<s:Envelope xmlns:s="${NS.s}" xmlns:a="${NS.a}" xmlns:u="${NS.u}" xmlns:wsse="${NS.wsse}" xmlns:wst="${NS.wst}" xmlns:ac="${NS.ac}">` +
    `<s:Header>` +
    `<a:Action s:mustUnderstand="1">${escapeXml(o.action)}</a:Action>` +
    textEl('a:MessageID', o.messageId) +
    `<a:ReplyTo><a:Address>${ANONYMOUS_REPLY_TO}</a:Address></a:ReplyTo>` +
    `<a:To s:mustUnderstand="1">${escapeXml(o.to)}</a:To>` +
    security +
    `</s:Header>` +
    `<s:Body>${o.bodyXml}</s:Body>` +
    `</s:Envelope>`
  );
}
