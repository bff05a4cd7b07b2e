import { NS, buildRequestEnvelope, buildResponseEnvelope, renderResponse, type SoapEnvelope } from '../soap.js';
import { attr, child, childElements, el, path, text } from '../xml.js';
import { MDE2, bodyError, headerError, message, type HeaderToken } from './envelope.js';

/**
 * GetPolicies (MS-XCEP 3.1.4.1): the device asks for the certificate enrollment policy, the server answers with
 * Fleet's one policy (key length, validity, providers) and its OIDs. Builders and readers for both sides.
 */

/** Client: a GetPolicies request envelope with the header token. */
export function buildGetPolicies(o: { messageId: string; to: string; token: HeaderToken }): string {
  const nil = `xsi:nil="true" xmlns:xsi="${NS.xsi}"`;
  const body =
    `<GetPolicies xmlns="${MDE2.policyNs}">` +
    `<client><lastUpdate ${nil}></lastUpdate><preferredLanguage ${nil}></preferredLanguage></client>` +
    `<requestFilter ${nil}></requestFilter>` +
    `</GetPolicies>`;
  return buildRequestEnvelope({ action: MDE2.actions.getPolicies, messageId: o.messageId, to: o.to, token: o.token, bodyXml: body });
}

/** Fleet's IsValidGetPolicyMsg (note Fleet's double space in two of the texts). */
export function validateGetPolicies(env: SoapEnvelope): string | null {
  const h = headerError(env);
  if (h) return `invalid getpolicies message:  ${h}`;
  const b = bodyError(env);
  if (b) return `invalid getpolicies message: ${b}`;
  const g = message(env, 'GetPolicies');
  if (!g) return 'invalid getpolicies message:  GetPolicies message not present';
  if (!attr(g, 'xmlns')) return 'invalid getpolicies message: XMLNS';
  return null;
}

/** Fleet's NewGetPoliciesResponse(2048, 31536000, 15552000) values (syncml.Policy*). */
export const FLEET_POLICY = { minimalKeyLength: '2048', validityPeriodSeconds: '31536000', renewalPeriodSeconds: '15552000' } as const;

/** Server: a GetPoliciesResponse envelope in Fleet's shape. */
export function buildGetPoliciesResponse(o: { relatesTo: string }): string {
  const nilNs = (name: string) => el(name, [['xsi:nil', 'true'], ['xmlns:xsi', NS.xsi]], '');
  const nil = (name: string) => el(name, [['xsi:nil', 'true']], '');
  const oid = (value: string, group: string, ref: string, name: string) =>
    el('oID', null, [el('value', null, value), el('group', null, group), el('oIDReferenceID', null, ref), el('defaultName', null, name)]);
  const body = el('GetPoliciesResponse', [['xmlns', MDE2.policyNs]], [
    el('response', null, [
      el('policyID', null, ''),
      nilNs('policyFriendlyName'),
      nilNs('nextUpdateHours'),
      nilNs('policiesNotChanged'),
      el('policies', null, [
        el('policy', null, [
          el('policyOIDReference', null, '0'),
          nil('cAs'),
          el('attributes', null, [
            el('commonName', null, 'FleetDMAttributes'),
            el('policySchema', null, '3'),
            el('certificateValidity', null, [
              el('validityPeriodSeconds', null, FLEET_POLICY.validityPeriodSeconds),
              el('renewalPeriodSeconds', null, FLEET_POLICY.renewalPeriodSeconds),
            ]),
            el('permission', null, [el('enroll', null, 'true'), el('autoEnroll', null, 'false')]),
            el('privateKeyAttributes', null, [
              el('minimalKeyLength', null, FLEET_POLICY.minimalKeyLength),
              nil('keySpec'),
              nil('keyUsageProperty'),
              nil('permissions'),
              nil('algorithmOIDReference'),
              el('provider', null, 'Microsoft Platform Crypto Provider'),
              el('provider', null, 'Microsoft Software Key Storage Provider'),
            ]),
            el('revision', null, [el('majorRevision', null, '101'), el('minorRevision', null, '0')]),
            nil('supersededPolicies'),
            nil('privateKeyFlags'),
            nil('subjectNameFlags'),
            nil('enrollmentFlags'),
            nil('generalFlags'),
            el('hashAlgorithmOIDReference', null, '0'),
            nil('rARequirements'),
            nil('keyArchivalAttributes'),
            nil('extensions'),
          ]),
        ]),
      ]),
    ]),
    el('oIDs', null, [
      // MS-XCEP 3.1.4.1.3.16 OIDs Fleet lists: SHA-256 and RSA.
      oid('2.16.840.1.101.3.4.2.1', '4', '0', 'szOID_NIST_sha256'),
      oid('1.2.840.113549.1.1.1', '3', '1', 'szOID_RSA_RSA'),
    ]),
  ]);
  return renderResponse(
    buildResponseEnvelope({
      action: MDE2.actions.getPoliciesResponse,
      relatesTo: o.relatesTo,
      declareU: true,
      bodyAttrs: [
        ['xmlns:xsd', NS.xsd],
        ['xmlns:xsi', NS.xsi],
      ],
      body,
    }),
  );
}

export interface PolicyAttributes {
  commonName: string;
  minimalKeyLength: number;
  validityPeriodSeconds: number;
  renewalPeriodSeconds: number;
  /** OIDs by reference id. */
  oids: { value: string; group: string; oIDReferenceID: string; defaultName: string }[];
  hashAlgorithmOIDReference: string;
}

/** Client: read the first policy of a GetPoliciesResponse (null when the body has none). */
export function readGetPoliciesResponse(env: SoapEnvelope): PolicyAttributes | null {
  const g = message(env, 'GetPoliciesResponse');
  if (!g) return null;
  const a = path(g, 'response', 'policies', 'policy', 'attributes');
  return {
    commonName: text(child(a, 'commonName')).trim(),
    minimalKeyLength: Number(text(path(a, 'privateKeyAttributes', 'minimalKeyLength')).trim() || '0'),
    validityPeriodSeconds: Number(text(path(a, 'certificateValidity', 'validityPeriodSeconds')).trim() || '0'),
    renewalPeriodSeconds: Number(text(path(a, 'certificateValidity', 'renewalPeriodSeconds')).trim() || '0'),
    hashAlgorithmOIDReference: text(child(a, 'hashAlgorithmOIDReference')).trim(),
    oids: childElements(child(g, 'oIDs'), 'oID').map((o) => ({
      value: text(child(o, 'value')).trim(),
      group: text(child(o, 'group')).trim(),
      oIDReferenceID: text(child(o, 'oIDReferenceID')).trim(),
      defaultName: text(child(o, 'defaultName')).trim(),
    })),
  };
}
