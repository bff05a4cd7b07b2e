import { escapeXml } from '../../protocols/xml.js';

/**
 * Fleet's SOAP fault for the management endpoint (fleet.md §2.8): HTTP 200, application/soap+xml, code s:receiver,
 * subcode s:messageformat (lower case, as Fleet writes it), the error text as the reason, RelatesTo = the SyncML
 * MsgID (or `invalid_message_id`), action ServiceModel/Diagnostics with an ActivityId.
 */
export function managementSoapFault(opts: { msgId: string; reason: string; activityId: string }): string {
  const relatesTo = opts.msgId === '' ? 'invalid_message_id' : opts.msgId;
  return (
    `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing">` +
    `<s:Header><a:Action s:mustUnderstand="1">http://schemas.microsoft.com/2004/09/ServiceModel/Diagnostics</a:Action>` +
    `<ActivityId CorrelationId="${escapeXml(opts.activityId)}" xmlns="http://schemas.microsoft.com/2004/09/ServiceModel/Diagnostics">${escapeXml(opts.activityId)}</ActivityId>` +
    `<a:RelatesTo>${escapeXml(relatesTo)}</a:RelatesTo></s:Header>` +
    `<s:Body><s:fault><s:code><s:value>s:receiver</s:value><s:subcode><s:value>s:messageformat</s:value></s:subcode></s:code>` +
    `<s:reason><s:text xml:lang="en-us">${escapeXml(opts.reason)}</s:text></s:reason></s:fault></s:Body></s:Envelope>\n`
  );
}
