import { NS, buildRequestEnvelope, buildResponseEnvelope, renderResponse, type SoapEnvelope } from '../soap.js';
import { attr, child, childElements, el, path, text, textEl, type XmlElement } from '../xml.js';
import { MDE2, bodyError, headerError, message } from './envelope.js';

/**
 * Discover (MS-MDE2 3.1.4.1): the device asks the discovery service where to enroll, the server answers with the
 * auth policy and the policy and enrollment service URLs. Builders and readers for both sides.
 */

export interface DiscoverRequest {
  emailAddress: string;
  requestVersion: string;
  deviceType: string;
  applicationVersion: string;
  osEdition: string;
  authPolicies: string[];
}

/** Client: a Discover request envelope, as Windows' enrollment client sends it. */
export function buildDiscover(o: { messageId: string; to: string } & DiscoverRequest): string {
  const policies = o.authPolicies.map((p) => textEl('AuthPolicy', p)).join('');
  const body =
    `<Discover xmlns="${MDE2.discoveryNs}"><request xmlns:i="${NS.xsi}">` +
    textEl('EmailAddress', o.emailAddress) +
    textEl('RequestVersion', o.requestVersion) +
    textEl('DeviceType', o.deviceType) +
    textEl('ApplicationVersion', o.applicationVersion) +
    textEl('OSEdition', o.osEdition) +
    `<AuthPolicies>${policies}</AuthPolicies>` +
    `</request></Discover>`;
  return buildRequestEnvelope({ action: MDE2.actions.discover, messageId: o.messageId, to: o.to, bodyXml: body });
}

/** Server: the Discover message's fields (null when the body has no Discover). */
export function readDiscover(env: SoapEnvelope): (DiscoverRequest & { xmlns: string }) | null {
  const d = message(env, 'Discover');
  if (!d) return null;
  const r = child(d, 'request');
  return {
    xmlns: attr(d, 'xmlns'),
    emailAddress: text(child(r, 'EmailAddress')).trim(),
    requestVersion: text(child(r, 'RequestVersion')).trim(),
    deviceType: text(child(r, 'DeviceType')).trim(),
    applicationVersion: text(child(r, 'ApplicationVersion')).trim(),
    osEdition: text(child(r, 'OSEdition')).trim(),
    authPolicies: childElements(child(r, 'AuthPolicies'), 'AuthPolicy').map((p) => text(p).trim()),
  };
}

/** Fleet's IsValidDiscoveryMsg: the error text of the first failed check, or null. */
export function validateDiscover(env: SoapEnvelope): string | null {
  const h = headerError(env) ?? bodyError(env);
  if (h) return `invalid discover message: ${h}`;
  const d = readDiscover(env);
  if (!d) return 'invalid discover message: Discover message not present';
  if (!d.xmlns) return 'invalid discover message: XMLNS';
  if (!MDE2.supportedEnrollmentVersions.includes(d.requestVersion)) return 'invalid discover message: Request.RequestVersion';
  if (!d.authPolicies.includes(MDE2.authOnPremise)) return 'invalid discover message: Request.AuthPolicies';
  return null;
}

export interface DiscoverResult {
  authPolicy: string;
  enrollmentVersion: string;
  enrollmentPolicyServiceUrl: string;
  enrollmentServiceUrl: string;
  /** Fleet never sends it (the field is a nil pointer). */
  authenticationServiceUrl?: string;
}

/** Server: a DiscoverResponse envelope in Fleet's shape (GetMDMMicrosoftDiscoveryResponse + NewSoapResponse). */
export function buildDiscoverResponse(o: { relatesTo: string; activityId: string } & DiscoverResult): string {
  const result: XmlElement[] = [
    el('AuthPolicy', null, o.authPolicy),
    el('EnrollmentVersion', null, o.enrollmentVersion),
    el('EnrollmentPolicyServiceUrl', null, o.enrollmentPolicyServiceUrl),
    el('EnrollmentServiceUrl', null, o.enrollmentServiceUrl),
  ];
  if (o.authenticationServiceUrl !== undefined) result.push(el('AuthenticationServiceUrl', null, o.authenticationServiceUrl));
  return renderResponse(
    buildResponseEnvelope({
      action: MDE2.actions.discoverResponse,
      relatesTo: o.relatesTo,
      activityId: o.activityId,
      body: el('DiscoverResponse', [['xmlns', MDE2.discoveryNs]], [el('DiscoverResult', null, result)]),
    }),
  );
}

/** Client: read a DiscoverResponse (null when the body has none). */
export function readDiscoverResponse(env: SoapEnvelope): DiscoverResult | null {
  const r = path(message(env, 'DiscoverResponse'), 'DiscoverResult');
  if (!r) return null;
  const auth = child(r, 'AuthenticationServiceUrl');
  return {
    authPolicy: text(child(r, 'AuthPolicy')).trim(),
    enrollmentVersion: text(child(r, 'EnrollmentVersion')).trim(),
    enrollmentPolicyServiceUrl: text(child(r, 'EnrollmentPolicyServiceUrl')).trim(),
    enrollmentServiceUrl: text(child(r, 'EnrollmentServiceUrl')).trim(),
    ...(auth ? { authenticationServiceUrl: text(auth).trim() } : {}),
  };
}
