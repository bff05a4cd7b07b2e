import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import forge from 'node-forge';
import { deviceLab } from '../helpers/device-lab.js';
import { createDevice, type VirtualDevice } from '../../emulators/device/index.js';
import { childElements, path, attr, text } from '../../emulators/protocols/xml.js';
import { parseSoapEnvelope } from '../../emulators/protocols/soap.js';
import { parseSyncML } from '../../emulators/protocols/syncml.js';
import type { Lab } from '../../emulators/lab/lab.js';
import type { Step } from '../../emulators/lab/step.js';
import type { StepKindId } from '../../emulators/protocols/steps.js';

const captured = JSON.parse(readFileSync(new URL('../fixtures/windows/captured-shapes.json', import.meta.url), 'utf8')) as {
  discoveryProbe: { method: string; path: string; userAgent: string };
  discover: { headerElements: string[]; requestElements: string[]; requestVersion: string; deviceType: string; authPolicies: string[] };
  getPolicies: { headerElements: string[]; clientElements: string[]; bodyElements: string[] };
  rst: { bodyElements: string[]; binarySecurityTokenValueType: string; contextItemOrder: string[]; repeatable: string[]; absent: string[]; patterns: Record<string, string> };
  csr: { subjectCnPattern: string; subjectCnLength: number; extensions: { oid: string }[]; signatureOid: string; keyBits: number };
  syncmlPackage1: { headerElements: string[]; verDTD: string; verProto: string; firstCmdId: string; commands: { verb: string; data?: string; metaType?: string; sources?: string[] }[]; httpHeaders: Record<string, string> };
};

let lab: Lab;
let device: VirtualDevice;
let dispose: () => Promise<void>;
let steps: Step[];
beforeAll(async () => {
  const env = await deviceLab('device-shape');
  ({ lab, dispose } = env);
  const alice = env.entra.users.find((u) => !u.mfa)!;
  device = await createDevice({ lab, entraUrl: env.entra.url, mdmUrl: env.mdm.url, user: { upn: alice.upn, password: alice.password } });
  await device.oobeSignIn();
  await device.join();
  await device.getPrt();
  await device.enrollMdm();
  await device.syncManagement();
  steps = [...lab.recorder.all()];
});
afterAll(async () => dispose());

const sent = (id: StepKindId) => steps.find((s) => s.kind === 'http' && s.catalogId === id)!;
const names = (els: { localName: string | null }[]) => els.map((e) => e.localName);

describe("the device's messages have the shape of a captured Windows device's (fleet.md §7.3)", () => {
  // entra-mde2.md §6.2 and PROTOCOL.md (client quirks): the device-key-signed PRT request as Windows sends it.
  it('§6.2: the PRT request is CloudAP\'s password grant: form windows_api_version=2.2, jwt-bearer, client_info=1, tgt=true; header x5c an array (libhimmelblau acquire_user_prt_by_username_password)', () => {
    const form = new URLSearchParams(sent('prt.request').request!.body);
    expect([...form.keys()]).toEqual(['windows_api_version', 'grant_type', 'request', 'client_info', 'tgt']);
    expect(form.get('windows_api_version')).toBe('2.2');
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(form.get('client_info')).toBe('1');
    expect(form.get('tgt')).toBe('true');
    const [h, p] = form.get('request')!.split('.') as [string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(Array.isArray(header.x5c) && header.x5c.length).toBe(1);
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual(['client_id', 'request_nonce', 'scope', 'win_ver', 'grant_type', 'username', 'password']);
    expect(payload).toMatchObject({ client_id: '38aa3b87-a06d-4817-b275-7a316988d93b', scope: 'openid aza ugs', grant_type: 'password' });
  });

  it('probes the discovery URL with a bare GET as ENROLLClient first', () => {
    const probe = sent('mde2.discovery-probe');
    expect(probe.request!.method).toBe(captured.discoveryProbe.method);
    expect(new URL(probe.request!.url).pathname).toBe(captured.discoveryProbe.path);
    expect(probe.request!.headers['user-agent']).toBe(captured.discoveryProbe.userAgent);
    expect(probe.request!.body).toBe('');
  });

  it('Discover: the same header and request elements, RequestVersion 4.0, OnPremise + Federated', () => {
    const env = parseSoapEnvelope(sent('mde2.discover').request!.body);
    const header = path(env.body!.parentNode as never, 'Header');
    expect(names(childElements(header))).toEqual(captured.discover.headerElements);
    const req = path(env.messages[0]!, 'request');
    expect(names(childElements(req))).toEqual(captured.discover.requestElements);
    expect(text(path(req, 'RequestVersion'))).toBe(captured.discover.requestVersion);
    expect(text(path(req, 'DeviceType'))).toBe(captured.discover.deviceType);
    expect(childElements(path(req, 'AuthPolicies')).map((e) => text(e))).toEqual(captured.discover.authPolicies);
  });

  it('GetPolicies: the captured body, with a BinarySecurityToken in the header Security', () => {
    const env = parseSoapEnvelope(sent('mde2.get-policies').request!.body);
    expect(names(childElements(path(env.body!.parentNode as never, 'Header')))).toEqual(captured.getPolicies.headerElements);
    expect(names(childElements(env.messages[0]!))).toEqual(captured.getPolicies.bodyElements);
    expect(names(childElements(path(env.messages[0]!, 'client')))).toEqual(captured.getPolicies.clientElements);
  });

  it('RST: the captured context items in the captured order, no RequestVersion, values in Windows form', () => {
    const env = parseSoapEnvelope(sent('mde2.rst').request!.body);
    const rst = env.messages[0]!;
    expect(names(childElements(rst))).toEqual(captured.rst.bodyElements);
    expect(attr(path(rst, 'BinarySecurityToken'), 'ValueType')).toBe(captured.rst.binarySecurityTokenValueType);
    const items = childElements(path(rst, 'AdditionalContext'), 'ContextItem').map((c) => ({ name: attr(c, 'Name'), value: text(path(c, 'Value')) }));
    const collapsed = items.map((i) => i.name).filter((n, i, a) => !(captured.rst.repeatable.includes(n) && a[i - 1] === n));
    expect(collapsed).toEqual(captured.rst.contextItemOrder);
    for (const a of captured.rst.absent) expect(items.some((i) => i.name === a)).toBe(false);
    for (const [name, re] of Object.entries(captured.rst.patterns)) for (const i of items.filter((x) => x.name === name)) expect(i.value, name).toMatch(new RegExp(re));
  });

  it('the CSR: CN "<GUID30>!<DeviceID>" + NUL, the raw DeviceID extension, OIW sha1WithRSA, RSA-2048', () => {
    const env = parseSoapEnvelope(sent('mde2.rst').request!.body);
    const der = Buffer.from(text(path(env.messages[0]!, 'BinarySecurityToken')), 'base64');
    const csr = forge.pki.certificationRequestFromAsn1(forge.asn1.fromDer(der.toString('binary')));
    const cn = String(csr.subject.getField('CN')?.value);
    expect(cn).toMatch(new RegExp(captured.csr.subjectCnPattern));
    expect(cn.length).toBe(captured.csr.subjectCnLength);
    expect(cn.slice(31, 63)).toBe(device.hardware.mdmDeviceId);
    expect(csr.signatureOid).toBe(captured.csr.signatureOid);
    expect((csr.publicKey as forge.pki.rsa.PublicKey).n.bitLength()).toBe(captured.csr.keyBits);
    expect(csr.verify()).toBe(true);
    expect(der.includes(Buffer.from(`${device.hardware.mdmDeviceId}\0`, 'ascii'))).toBe(true);
    expect(der.toString('binary').includes(forge.asn1.oidToDer(captured.csr.extensions[0]!.oid).getBytes())).toBe(true);
  });

  it('SyncML package 1: header elements, CmdIDs from 2, Alert 1201, Alert 1224 LoginStatus, Replace of the five DevInfo nodes', () => {
    const step = steps.find((s) => s.catalogId === 'omadm.message')!;
    const url = new URL(step.request!.url);
    expect(url.search.slice(1)).toBe(captured.syncmlPackage1.httpHeaders.query);
    expect(step.request!.headers['content-type']).toBe(captured.syncmlPackage1.httpHeaders['content-type']);
    expect(step.request!.headers['user-agent']).toBe(captured.syncmlPackage1.httpHeaders['user-agent']);
    const msg = parseSyncML(step.request!.body);
    expect(msg.hdr.verDTD).toBe(captured.syncmlPackage1.verDTD);
    expect(msg.hdr.verProto).toBe(captured.syncmlPackage1.verProto);
    expect(msg.hdr.source).toBe(device.hardware.mdmDeviceId);
    expect(msg.commands[0]!.cmdId).toBe(captured.syncmlPackage1.firstCmdId);
    expect(
      msg.commands.map((c) => ({
        verb: c.verb,
        ...(c.verb === 'Alert' ? { data: c.data } : {}),
        ...(c.items[0]?.meta?.type ? { metaType: c.items[0].meta.type } : {}),
        ...(c.verb === 'Replace' ? { sources: c.items.map((i) => i.source) } : {}),
      })),
    ).toEqual(captured.syncmlPackage1.commands);
    expect(msg.final).toBe(true);
  });
});
