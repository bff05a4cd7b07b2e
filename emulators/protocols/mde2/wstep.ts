import { NS, BASE64_BINARY, binarySecurityTokenXml, buildRequestEnvelope, readBinarySecurityToken, buildResponseEnvelope, renderResponse, type SoapEnvelope, type BinarySecurityToken } from '../soap.js';
import { attr, child, childElements, el, escapeXml, path, text, textEl } from '../xml.js';
import { MDE2, bodyError, headerError, message, type HeaderToken } from './envelope.js';

/**
 * RequestSecurityToken (MS-WSTEP): the device sends its CSR and AdditionalContext items, the server answers with
 * a RequestSecurityTokenResponseCollection carrying the wap-provisioningdoc. Builders and readers for both sides.
 */

export interface ContextItem {
  name: string;
  value: string;
}

export interface RequestSecurityToken {
  tokenType: string;
  requestType: string;
  binarySecurityToken: BinarySecurityToken;
  /** In document order; names may repeat (MAC). */
  contextItems: ContextItem[];
}

/** Client: an RST envelope with the CSR (base64 DER) and AdditionalContext items in the given order. */
export function buildRequestSecurityToken(o: {
  messageId: string;
  to: string;
  token: HeaderToken;
  csrBase64: string;
  contextItems: ContextItem[];
  valueType?: string;
}): string {
  const items = o.contextItems
    .map((c) => `<ac:ContextItem Name="${escapeXml(c.name)}">${textEl('ac:Value', c.value)}</ac:ContextItem>`)
    .join('');
  const body =
    `<wst:RequestSecurityToken>` +
    `<wst:TokenType>${MDE2.tokenType}</wst:TokenType>` +
    `<wst:RequestType>${MDE2.requestTypeIssue}</wst:RequestType>` +
    binarySecurityTokenXml({ valueType: o.valueType ?? MDE2.valueTypes.pkcs10, content: o.csrBase64 }) +
    `<ac:AdditionalContext xmlns="${NS.ac}">${items}</ac:AdditionalContext>` +
    `</wst:RequestSecurityToken>`;
  return buildRequestEnvelope({ action: MDE2.actions.requestSecurityToken, messageId: o.messageId, to: o.to, token: o.token, bodyXml: body });
}

/** Server: the RST's fields (null when the body has no RequestSecurityToken). */
export function readRequestSecurityToken(env: SoapEnvelope): RequestSecurityToken | null {
  const r = message(env, 'RequestSecurityToken');
  if (!r) return null;
  return {
    tokenType: text(child(r, 'TokenType')).trim(),
    requestType: text(child(r, 'RequestType')).trim(),
    binarySecurityToken: readBinarySecurityToken(child(r, 'BinarySecurityToken')),
    contextItems: childElements(child(r, 'AdditionalContext'), 'ContextItem').map((c) => ({ name: attr(c, 'Name'), value: text(child(c, 'Value')) })),
  };
}

/** Fleet's GetContextItem: the items go into a map, so the LAST item of a repeated name wins. */
export function contextItem(rst: RequestSecurityToken, name: string): string | undefined {
  let v: string | undefined;
  for (const c of rst.contextItems) if (c.name === name) v = c.value;
  return v;
}

/** Every value of a repeatable item (MAC, IMEI). */
export function contextItems(rst: RequestSecurityToken, name: string): string[] {
  return rst.contextItems.filter((c) => c.name === name).map((c) => c.value);
}

/** Fleet's IsValidRequestSecurityTokenMsg: the error text of the first failed check, or null. */
export function validateRequestSecurityToken(env: SoapEnvelope): string | null {
  const h = headerError(env) ?? bodyError(env);
  if (h) return `invalid requestsecuritytoken message: ${h}`;
  const r = readRequestSecurityToken(env);
  if (!r) return 'invalid requestsecuritytoken message: RequestSecurityToken message not present';
  if (!r.tokenType) return 'invalid requestsecuritytoken message: TokenType';
  if (!r.requestType) return 'invalid requestsecuritytoken message: RequestType';
  const vt = r.binarySecurityToken.valueType;
  if (!vt) return 'invalid requestsecuritytoken message: BinarySecurityToken.ValueType';
  if (vt !== MDE2.valueTypes.pkcs10 && vt !== MDE2.valueTypes.pkcs7) {
    return 'invalid requestsecuritytoken message: BinarySecurityToken.EncodingType not supported';
  }
  if (!r.binarySecurityToken.content) return 'invalid requestsecuritytoken message: BinarySecurityToken.Content';
  if (r.contextItems.length === 0) return 'invalid requestsecuritytoken message: AdditionalContext.ContextItems missing';
  const item = (name: string) => {
    const v = contextItem(r, name);
    return { v: v ?? '', err: v === undefined ? `ContextItem item ${name} is not present` : '<nil>' };
  };
  const et = item('EnrollmentType');
  if (et.v !== 'Device' && et.v !== 'Full') return `invalid requestsecuritytoken message EnrollmentType: ${et.v} - ${et.err}`;
  for (const name of ['DeviceID', 'HWDevID', 'OSEdition', 'OSVersion']) {
    const it = item(name);
    if (!it.v) return `invalid requestsecuritytoken message ${name}: ${it.v} - ${it.err}`;
  }
  return null;
}

/** Server: the RSTRC envelope carrying the provisioning doc (NewRequestSecurityTokenResponseCollection). */
export function buildRequestSecurityTokenResponseCollection(o: {
  relatesTo: string;
  provisioningDocBase64: string;
  /** WS-Security timestamp window, already formatted 2006-01-02T15:04:05.000Z. */
  created: string;
  expires: string;
}): string {
  const body = el('RequestSecurityTokenResponseCollection', [['xmlns', NS.wst]], [
    el('RequestSecurityTokenResponse', null, [
      el('TokenType', null, MDE2.tokenType),
      el('DispositionMessage', [['xmlns', MDE2.enrollmentNs]], ''),
      el('RequestedSecurityToken', null, [
        el(
          'BinarySecurityToken',
          [
            ['xmlns', NS.wsse],
            ['ValueType', MDE2.valueTypes.provisionDoc],
            ['EncodingType', BASE64_BINARY],
          ],
          o.provisioningDocBase64,
        ),
      ]),
      el('RequestID', [['xmlns', MDE2.enrollmentNs]], '0'),
    ]),
  ]);
  return renderResponse(
    buildResponseEnvelope({
      action: MDE2.actions.rstrc,
      relatesTo: o.relatesTo,
      declareU: true,
      timestamp: { created: o.created, expires: o.expires },
      body,
    }),
  );
}

export interface RequestSecurityTokenResponse {
  tokenType: string;
  valueType: string;
  provisioningDocBase64: string;
  /** The decoded wap-provisioningdoc XML text. */
  provisioningDocXml: string;
}

/** Client: read the RSTRC (null when the body has none). */
export function readRequestSecurityTokenResponseCollection(env: SoapEnvelope): RequestSecurityTokenResponse | null {
  const r = child(message(env, 'RequestSecurityTokenResponseCollection'), 'RequestSecurityTokenResponse');
  if (!r) return null;
  const bst = path(r, 'RequestedSecurityToken', 'BinarySecurityToken');
  const b64 = text(bst).trim();
  return {
    tokenType: text(child(r, 'TokenType')).trim(),
    valueType: attr(bst, 'ValueType'),
    provisioningDocBase64: b64,
    provisioningDocXml: Buffer.from(b64, 'base64').toString('utf8'),
  };
}
