import { X509Certificate } from 'node:crypto';
import type { Db } from '../../lab/store.js';
import {
  parseWapProvisioningDoc,
  readProvisionedEnrollment,
  findCharacteristic,
  type ProvisionedEnrollment,
} from '../../protocols/mde2/provisioning-doc.js';
import type { DeviceContext } from '../context.js';
import { clientCredPath, dmAccountId, dmAccPath, serverCredPath } from './dmacc.js';
import { spkiDer } from '../../protocols/rsa-key-der.js';

/**
 * Install a wap-provisioningdoc (MS-MDE2 2.2.9.1, entra-mde2.md §7.6) into the device: the root CA into
 * Root/System, the MDM client certificate into My/<User|System> bound to the TPM key its CSR was made with (after
 * checking the certificate really carries that key, as ms_device_enrolment_finalise does), the w7 APPLICATION
 * into a DMAcc account (server address, client and server credentials), and the DMClient provider with its poll
 * schedule. Runs in the caller's transaction. Returns what the enrollment state records.
 */
export function installProvisioningDoc(ctx: DeviceContext, db: Db, xml: string, clientKeyHandle: string): ProvisionedEnrollment & { dmAccountId: string } {
  const doc = parseWapProvisioningDoc(xml);
  const p = readProvisionedEnrollment(doc);
  const clientDer = Buffer.from(p.clientCertBase64, 'base64');
  const client = new X509Certificate(clientDer);
  const tpmSpki = ctx.tpm.keyInfo(clientKeyHandle).spki;
  if (!spkiDer(client.publicKey).equals(tpmSpki)) {
    throw new Error('the enrollment certificate does not carry the key of the CSR the TPM signed');
  }
  const rootDer = Buffer.from(p.rootCertBase64, 'base64');
  const root = new X509Certificate(rootDer);
  const ins = db.prepare(
    `INSERT INTO certificates(store, thumbprint, subject, issuer, der, key_handle) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(store, thumbprint) DO UPDATE SET der = excluded.der, key_handle = excluded.key_handle`,
  );
  ins.run('Root/System', p.rootThumbprint, root.subject, root.issuer, rootDer, null);
  ins.run(`My/${p.clientStore}`, p.clientThumbprint, client.subject, client.issuer, clientDer, clientKeyHandle);

  const acct = dmAccountId(p.providerId);
  const app = findCharacteristic(doc.characteristics, 'APPLICATION');
  const parm = (name: string) => app?.parms.find((x) => x.name === name)?.value;
  const csp = ctx.csp;
  csp.set(db, `${dmAccPath(acct)}/AppID`, parm('APPID') ?? 'w7');
  csp.set(db, `${dmAccPath(acct)}/ServerID`, p.providerId);
  csp.set(db, `${dmAccPath(acct)}/Name`, parm('NAME') ?? p.providerId);
  csp.set(db, `${dmAccPath(acct)}/AppAddr/1/Addr`, p.managementUrl);
  csp.set(db, `${dmAccPath(acct)}/AppAddr/1/AddrType`, 'URI');
  csp.set(db, `${dmAccPath(acct)}/Ext/Microsoft/DefaultEncoding`, parm('DEFAULTENCODING') ?? 'application/vnd.syncml.dm+xml');
  csp.set(db, clientCredPath(acct, 'AAuthType'), 'DIGEST');
  csp.set(db, clientCredPath(acct, 'AAuthName'), p.dmUsername);
  csp.set(db, clientCredPath(acct, 'AAuthSecret'), p.dmPassword);
  const clientAuth = app?.characteristics.find((c) => c.type === 'APPAUTH' && c.parms.some((x) => x.name === 'AAUTHLEVEL' && x.value === 'APPSRV'));
  csp.set(db, clientCredPath(acct, 'AAuthData'), clientAuth?.parms.find((x) => x.name === 'AAUTHDATA')?.value ?? '');
  csp.set(db, serverCredPath(acct, 'AAuthType'), 'DIGEST');
  csp.set(db, serverCredPath(acct, 'AAuthSecret'), p.serverSecret);

  const provider = `./Device/Vendor/MSFT/DMClient/Provider/${p.providerId}`;
  const dmclient = findCharacteristic(doc.characteristics, 'DMClient', 'Provider', p.providerId);
  for (const x of dmclient?.parms ?? []) if (x.value !== undefined) csp.set(db, `${provider}/${x.name}`, x.value, formatOf(x.datatype));
  for (const x of findCharacteristic(doc.characteristics, 'DMClient', 'Provider', p.providerId, 'Poll')?.parms ?? []) {
    if (x.value !== undefined) csp.set(db, `${provider}/Poll/${x.name}`, x.value, formatOf(x.datatype));
  }
  return { ...p, dmAccountId: acct };
}

function formatOf(datatype: string | undefined): 'int' | 'bool' | 'chr' {
  return datatype === 'integer' ? 'int' : datatype === 'boolean' ? 'bool' : 'chr';
}
