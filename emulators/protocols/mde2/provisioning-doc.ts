import { parseXml } from '../soap.js';
import { attr, childElements, el, marshalIndent, type XmlElement, type XmlEl } from '../xml.js';

/**
 * The wap-provisioningdoc (MS-MDE2 2.2.9.1; Fleet's doc in fleet.md §2.6) that the RSTRC carries base64: the
 * server builds it in Fleet's bytes, the device parses it and takes its certificates and DM account from it.
 */

export interface WapParm {
  name: string;
  value?: string;
  datatype?: string;
}

export interface WapCharacteristic {
  type: string;
  parms: WapParm[];
  characteristics: WapCharacteristic[];
}

export function characteristic(type: string, parms: WapParm[] = [], characteristics: WapCharacteristic[] = []): WapCharacteristic {
  return { type, parms, characteristics };
}

function toXmlElement(c: WapCharacteristic): XmlElement {
  const parms = c.parms.map((p) => {
    const attrs: [string, string][] = [];
    // Fleet's Param fields are all `omitempty`.
    if (p.name) attrs.push(['name', p.name]);
    if (p.value) attrs.push(['value', p.value]);
    if (p.datatype) attrs.push(['datatype', p.datatype]);
    return el('parm', attrs, '');
  });
  return el('characteristic', [['type', c.type]], [...parms, ...c.characteristics.map(toXmlElement)]);
}

/**
 * Serialise a provisioning doc as Fleet's WapProvisioningDoc.GetEncodedB64Representation does before base64:
 * xml.Header + MarshalIndent(doc, "", "  ") with every "\n" and "\t" removed (the two-space indents stay).
 */
export function buildWapProvisioningDoc(characteristics: WapCharacteristic[], version = '1.1'): string {
  const doc = el('wap-provisioningdoc', [['version', version]], characteristics.map(toXmlElement));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${marshalIndent(doc, '  ')}`.replace(/[\n\t]/g, '');
}

function readCharacteristic(e: XmlEl): WapCharacteristic {
  return {
    type: attr(e, 'type'),
    parms: childElements(e, 'parm').map((p) => {
      const parm: WapParm = { name: attr(p, 'name') };
      if (p.hasAttribute('value')) parm.value = attr(p, 'value');
      if (p.hasAttribute('datatype')) parm.datatype = attr(p, 'datatype');
      return parm;
    }),
    characteristics: childElements(e, 'characteristic').map(readCharacteristic),
  };
}

/** Client: parse a wap-provisioningdoc into its characteristic tree. */
export function parseWapProvisioningDoc(xml: string): { version: string; characteristics: WapCharacteristic[] } {
  const root = parseXml(xml);
  if (root.localName !== 'wap-provisioningdoc') throw new Error(`not a wap-provisioningdoc: <${root.localName}>`);
  return { version: attr(root, 'version'), characteristics: childElements(root, 'characteristic').map(readCharacteristic) };
}

/** Follow characteristic types from a list of roots: findCharacteristic(doc, 'CertificateStore', 'Root', 'System'). */
export function findCharacteristic(roots: WapCharacteristic[], ...types: string[]): WapCharacteristic | null {
  let level = roots;
  let found: WapCharacteristic | null = null;
  for (const t of types) {
    found = level.find((c) => c.type === t) ?? null;
    if (!found) return null;
    level = found.characteristics;
  }
  return found;
}

export function parmValue(c: WapCharacteristic | null, name: string): string | undefined {
  return c?.parms.find((p) => p.name === name)?.value;
}

/** Client: what a device takes from Fleet's doc: certificates, the DM server address and the DM credentials. */
export interface ProvisionedEnrollment {
  rootThumbprint: string;
  rootCertBase64: string;
  clientStore: 'User' | 'System';
  clientThumbprint: string;
  clientCertBase64: string;
  providerId: string;
  managementUrl: string;
  /** APPAUTH with AAUTHLEVEL APPSRV: what the client sends (AAUTHNAME = DeviceID, AAUTHSECRET = password). */
  dmUsername: string;
  dmPassword: string;
  /** APPAUTH with AAUTHLEVEL CLIENT: the server's secret for authenticating itself. */
  serverSecret: string;
  poll: Record<string, string>;
}

export function readProvisionedEnrollment(doc: { characteristics: WapCharacteristic[] }): ProvisionedEnrollment {
  const roots = doc.characteristics;
  const root = findCharacteristic(roots, 'CertificateStore', 'Root', 'System')?.characteristics[0];
  const my = findCharacteristic(roots, 'CertificateStore', 'My');
  const store = my?.characteristics.find((c) => c.type === 'User' || c.type === 'System');
  const client = store?.characteristics.find((c) => c.type !== 'PrivateKeyContainer');
  const app = findCharacteristic(roots, 'APPLICATION');
  const appauth = (level: string) => app?.characteristics.find((c) => c.type === 'APPAUTH' && parmValue(c, 'AAUTHLEVEL') === level) ?? null;
  const providerId = parmValue(app, 'PROVIDER-ID') ?? '';
  const poll = findCharacteristic(roots, 'DMClient', 'Provider', providerId, 'Poll');
  if (!root || !client || !store || !app) throw new Error('provisioning doc lacks the certificate store or the APPLICATION characteristic');
  return {
    rootThumbprint: root.type,
    rootCertBase64: parmValue(root, 'EncodedCertificate') ?? '',
    clientStore: store.type === 'System' ? 'System' : 'User',
    clientThumbprint: client.type,
    clientCertBase64: parmValue(client, 'EncodedCertificate') ?? '',
    providerId,
    managementUrl: parmValue(app, 'ADDR') ?? '',
    dmUsername: parmValue(appauth('APPSRV'), 'AAUTHNAME') ?? '',
    dmPassword: parmValue(appauth('APPSRV'), 'AAUTHSECRET') ?? '',
    serverSecret: parmValue(appauth('CLIENT'), 'AAUTHSECRET') ?? '',
    poll: Object.fromEntries((poll?.parms ?? []).map((p) => [p.name, p.value ?? ''])),
  };
}
