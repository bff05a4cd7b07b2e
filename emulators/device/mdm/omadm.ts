import type { Db } from '../../lab/store.js';
import {
  ALERT,
  STATUS,
  SYNCML_CONTENT_TYPE,
  alert,
  buildSyncML,
  dataText,
  parseSyncML,
  resultsFor,
  statusFor,
  syncHdr,
  type ParsedSyncMLCommand,
  type ParsedSyncMLMessage,
  type SyncMLCommand,
  type SyncMLItem,
  type SyncMLCred,
} from '../../protocols/syncml.js';
import { decodeNextNonce, md5Cred } from '../../protocols/syncml-auth.js';
import type { CspFormat } from '../csp/tree.js';
import { send, type DeviceContext } from '../context.js';
import type { EnrollmentState } from '../state.js';
import { clientCredPath } from './dmacc.js';
import { applyEspTransition, espTitle, espTransition, espView, type EspView } from '../csp/esp.js';
import { admxPolicyKnown, admxPolicyOf, applyAdmxPolicy, ingestAdmx, isAdmxInstall } from '../csp/admx.js';
import { acceptMsiExec, markMsiReported, productIdOf, runPendingMsiJobs, unreportedMsiResults, type MsiInstall } from './msi.js';

/** What one management session did. */
export interface OmaDmSessionResult {
  sessionId: number;
  /** Client messages sent (challenges included). */
  messages: number;
  /** Whether the server challenged the credentials (Status 407/401 with Chal). */
  challenged: boolean;
  /** Every management command the server sent, with the status the device gave it. */
  commands: { verb: string; target: string; status: string }[];
  installs: MsiInstall[];
  /** The device ended the session after MAX_MESSAGES_PER_SESSION packages although the server sent more commands. */
  truncated: boolean;
  /** The Enrollment Status Page after the session (null: none ever showed). */
  esp: EspView | null;
}

/**
 * After each server message: the ESP shows, is released or fails as the FirstSyncStatus nodes now say, on the lab
 * clock (csp/esp.ts); a step only when it changes.
 */
async function trackEsp(ctx: DeviceContext): Promise<void> {
  const t = ctx.store.read((db) => espTransition(ctx.csp, db, ctx.lab.clock.now()));
  if (!t) return;
  await ctx.lab.local({ party: 'device', to: 'user', catalogId: 'device.esp', title: espTitle(t), detail: { esp: t } }, () => ctx.store.tx((db) => applyEspTransition(db, t)));
}

/** A guard against servers that never stop sending commands (not a Windows constant). */
export const MAX_MESSAGES_PER_SESSION = 12;

const HEADERS = {
  accept: 'application/vnd.syncml.dm+xml, application/vnd.syncml.dm+wbxml, application/octet-stream',
  'accept-charset': 'UTF-8',
  'content-type': SYNCML_CONTENT_TYPE,
  'user-agent': 'MSFT OMA DM Client/1.2.0.1',
};

const MANAGEMENT_VERBS = new Set(['Add', 'Replace', 'Delete', 'Exec', 'Get', 'Atomic', 'Sequence']);
const CSP_INSTALL_TYPE = 'Reversed-Domain-Name:com.microsoft.mdm.win32csp_install';

/** The digest credentials for the next message, from DMAcc CLCRED (name, secret, the server's last nonce). */
function credentials(ctx: DeviceContext, e: EnrollmentState): SyncMLCred | undefined {
  const name = ctx.csp.value(clientCredPath(e.dmAccountId, 'AAuthName'));
  const secret = ctx.csp.value(clientCredPath(e.dmAccountId, 'AAuthSecret'));
  const nonceB64 = ctx.csp.value(clientCredPath(e.dmAccountId, 'AAuthData'));
  if (!name || secret === null || !nonceB64) return undefined;
  // OMA-DM MD5 digest: b64(MD5(b64(MD5(name:secret)) ":" nonce)), nonce = NextNonce decoded (fleet.md §2.10).
  return md5Cred(name, secret, decodeNextNonce(nonceB64));
}

/** Package 1 (entra-mde2.md §8.3, the captured Windows session in fleet.md §7.3): CmdIDs start at 2. */
function firstPackage(ctx: DeviceContext, reports: { productId: string; hresult: number }[]): SyncMLCommand[] {
  let id = 1;
  const next = () => String(++id);
  const cmds: SyncMLCommand[] = [
    alert(next(), ALERT.clientInitiatedManagement),
    alert(next(), ALERT.clientEvent, [{ meta: { type: 'com.microsoft/MDM/LoginStatus' }, data: ctx.state.get('signIn') ? 'user' : 'none' }]),
  ];
  // MSI completion alerts (EnterpriseDesktopAppManagement CSP; 1224 per the CSP doc, 1226 per the protocol page: UNCONFIRMED §9).
  for (const r of reports) {
    cmds.push(
      alert(next(), ALERT.clientEvent, [
        {
          source: `./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/${encodeURIComponent(r.productId)}/DownloadInstall`,
          meta: { type: CSP_INSTALL_TYPE, format: 'int', mark: 'informational' },
          data: String(r.hresult),
        },
      ]),
    );
  }
  const devInfo = ['DevId', 'Man', 'Mod', 'DmV', 'Lang'].map((leaf): SyncMLItem => ({ source: `./DevInfo/${leaf}`, data: ctx.csp.value(`./DevInfo/${leaf}`) ?? '' }));
  cmds.push({ verb: 'Replace', cmdId: next(), items: devInfo });
  return cmds;
}

function formatOf(c: ParsedSyncMLCommand, item: SyncMLItem): CspFormat {
  const f = item.meta?.format ?? c.meta?.format ?? 'chr';
  return (['chr', 'int', 'bool', 'b64', 'xml', 'node'].includes(f) ? f : 'chr') as CspFormat;
}

/**
 * Execute one server command on the CSP tree; returns its Status code and, for a Get, the items read.
 * Atomic runs its children under a savepoint and rolls them all back when one fails (MS-MDM: 507).
 */
function execute(ctx: DeviceContext, db: Db, c: ParsedSyncMLCommand, out: { statuses: SyncMLCommand[]; results: SyncMLCommand[]; log: OmaDmSessionResult['commands'] }, msgRef: string, nextId: () => string): void {
  const record = (code: string) => {
    out.statuses.push(statusFor({ cmdId: nextId(), msgRef, cmdRef: c.cmdId, cmd: c.verb, code }));
    out.log.push({ verb: c.verb, target: c.items.map((i) => i.target ?? '').join(' '), status: code });
  };
  if (c.verb === 'Atomic' || c.verb === 'Sequence') {
    const children = c.commands ?? [];
    if (c.verb === 'Sequence') {
      record(STATUS.ok);
      for (const ch of children) execute(ctx, db, ch, out, msgRef, nextId);
      return;
    }
    db.exec('SAVEPOINT atomic');
    const inner = { statuses: [] as SyncMLCommand[], results: [] as SyncMLCommand[], log: [] as OmaDmSessionResult['commands'] };
    for (const ch of ingestFirst(children)) execute(ctx, db, ch, inner, msgRef, nextId);
    const failed = inner.statuses.some((s) => !['200', '202'].includes(s.data ?? ''));
    if (failed) db.exec('ROLLBACK TO atomic');
    db.exec('RELEASE atomic');
    record(failed ? '507' : STATUS.ok);
    out.statuses.push(...inner.statuses.map((s) => (failed && s.data === STATUS.ok ? { ...s, data: '216' } : s)));
    out.results.push(...(failed ? [] : inner.results));
    out.log.push(...inner.log);
    return;
  }
  if (c.items.length === 0) return record(STATUS.badRequest);
  let code: string = STATUS.ok;
  const read: SyncMLItem[] = [];
  for (const item of c.items) {
    const target = item.target ?? '';
    let r: { status: string; value?: string; format?: CspFormat };
    switch (c.verb) {
      case 'Get':
        r = ctx.csp.get(db, target);
        if (r.status === STATUS.ok) read.push({ source: target, meta: { format: r.format ?? 'chr' }, data: r.value ?? '' });
        break;
      case 'Add':
      case 'Replace':
        r = write(ctx, db, c.verb, target, dataText(item.data), formatOf(c, item));
        break;
      case 'Delete':
        r = ctx.csp.delete(db, target);
        break;
      case 'Exec':
        r = ctx.csp.exec(db, target);
        if (r.status === STATUS.ok && productIdOf(target)) r = { status: acceptMsiExec(ctx, db, target, dataText(item.data)) };
        break;
      default:
        r = { status: '406' };
    }
    if (code === STATUS.ok && r.status !== STATUS.ok) code = r.status;
  }
  record(code);
  if (c.verb === 'Get' && read.length > 0) out.results.push(resultsFor({ cmdId: nextId(), msgRef, cmdRef: c.cmdId, items: read }));
}

/**
 * Add / Replace on the tree, with the Policy CSP's ADMX semantics (csp/admx.ts): an ADMXInstall Add ingests its file
 * (a file Windows refuses leaves no node); an ingested policy exists only once its ADMX was ingested, and setting it
 * writes its registry values.
 */
function write(ctx: DeviceContext, db: Db, verb: 'Add' | 'Replace', target: string, data: string | undefined, format: CspFormat): { status: string } {
  const policy = admxPolicyOf(target);
  if (policy && !admxPolicyKnown(db, policy.area, policy.policy)) return { status: STATUS.notFound };
  const r = verb === 'Add' ? ctx.csp.add(db, target, data, format) : ctx.csp.replace(db, target, data ?? '', format);
  if (r.status !== STATUS.ok) return r;
  if (verb === 'Add' && isAdmxInstall(target)) {
    const ingested = ingestAdmx(db, target, data);
    if (ingested !== STATUS.ok) ctx.csp.remove(db, target);
    return { status: ingested };
  }
  if (policy) return { status: applyAdmxPolicy(db, policy.area, policy.policy, data) };
  return r;
}

/**
 * An Atomic's ADMX ingestion runs before the rest of it. Fleet's SyncMLCmd marshals an Atomic's Replaces before its
 * Adds (server/fleet/windows_mdm.go), so a profile that ingests an ADMX and sets its policy reaches Windows as
 * Replace-then-Add, and Fleet's ADMX-backed profiles (and its enroll secret push, server/service/windows_enroll_secret_profile.go)
 * still apply; Windows' own order inside an Atomic is UNCONFIRMED, this is the order that matches what Fleet sees.
 */
function ingestFirst(children: ParsedSyncMLCommand[]): ParsedSyncMLCommand[] {
  const ingests = (c: ParsedSyncMLCommand) => c.verb === 'Add' && c.items.some((i) => isAdmxInstall(i.target ?? ''));
  return [...children.filter(ingests), ...children.filter((c) => !ingests(c))];
}

function headerStatus(msg: ParsedSyncMLMessage): ParsedSyncMLCommand | undefined {
  return msg.commands.find((c) => c.verb === 'Status' && c.cmd === 'SyncHdr');
}

/**
 * One OMA-DM management session (MS-MDM; entra-mde2.md §8; the captured Windows session, fleet.md §7.3):
 * package 1 (Alert 1201, Alert 1224 LoginStatus, pending MSI completion alerts, Replace ./DevInfo), MD5 digest
 * credentials from DMAcc (a 407/401 challenge stores the NextNonce and resends), then one reply per server
 * package with a Status for the SyncHdr and each command and Results for each Get, until the server sends no
 * management commands. MSI jobs accepted in the session run after it.
 */
export async function omadmSession(ctx: DeviceContext): Promise<OmaDmSessionResult> {
  const e = ctx.state.require('enrollment', 'enroll in MDM first (device.enrollMdm())');
  const deviceId = ctx.state.require('hardware', 'no hardware').mdmDeviceId;
  const sessionId = (ctx.state.get('omadm')?.lastSessionId ?? 0) + 1;
  const reports = unreportedMsiResults(ctx);
  const url = `${e.managementUrl}${e.managementUrl.includes('?') ? '&' : '?'}mode=Maintenance&Platform=WoA`;
  const result: OmaDmSessionResult = { sessionId, messages: 0, challenged: false, commands: [], installs: [], truncated: false, esp: null };
  let msgId = 1;
  let commands = firstPackage(ctx, reports);
  let authRetries = 0;
  let cv = 0;
  const cvBase = ctx.lab.ids.bytes(12).toString('base64');

  for (;;) {
    const cred = credentials(ctx, e);
    const hdr = syncHdr({ sessionId: String(sessionId), msgId: String(msgId), target: e.managementUrl, source: deviceId, ...(cred ? { cred } : {}) });
    const body = buildSyncML({ hdr, commands, final: true });
    const res = await send(ctx, {
      title: `OMA-DM session ${sessionId} message ${msgId}${msgId === 1 ? ' (Alert 1201, DevInfo)' : ''}`,
      catalogId: 'omadm.message',
      url,
      headers: { ...HEADERS, 'client-request-id': '0', 'ms-cv': `${cvBase}.0.0.${cv++}` },
      body,
    });
    result.messages++;
    if (res.status !== 200) throw new Error(`OMA-DM: HTTP ${res.status} ${res.text().slice(0, 300)}`);
    let msg: ParsedSyncMLMessage;
    try {
      msg = parseSyncML(res.text());
    } catch {
      throw new Error(`OMA-DM: the server's reply is not SyncML: ${res.text().slice(0, 300)}`);
    }
    const hs = headerStatus(msg);
    const nextNonce = hs?.chal?.nextNonce;
    const challenge = hs && (hs.data === STATUS.authenticationRequired || hs.data === STATUS.invalidCredentials);

    if (challenge) {
      result.challenged = true;
      if (!nextNonce || authRetries++ >= 2) throw new Error(`OMA-DM: the server refused the credentials (Status ${hs.data})`);
      await ctx.lab.local({ party: 'device', catalogId: 'omadm.challenged', title: `OMA-DM: challenged (${hs.data}), keep NextNonce for the digest` }, () =>
        ctx.store.tx((db) => ctx.csp.set(db, clientCredPath(e.dmAccountId, 'AAuthData'), nextNonce, 'b64')),
      );
      // Resend the same package, now with credentials (Fleet's test client does the same, fleet.md §7.1).
      msgId++;
      continue;
    }
    if (hs && !['200', '212'].includes(hs.data ?? '')) throw new Error(`OMA-DM: the server answered the SyncHdr with ${hs.data}`);

    const mgmt = msg.commands.filter((c) => MANAGEMENT_VERBS.has(c.verb));
    const firstAccepted = commands.some((c) => c.verb === 'Alert');
    const out = { statuses: [] as SyncMLCommand[], results: [] as SyncMLCommand[], log: [] as OmaDmSessionResult['commands'] };
    await ctx.lab.local(
      {
        party: 'device',
        catalogId: mgmt.length ? 'omadm.run-commands' : 'omadm.session-end',
        title: mgmt.length ? `OMA-DM: run ${mgmt.length} command(s): ${[...new Set(mgmt.map((c) => c.verb))].join(', ')}` : `OMA-DM session ${sessionId}: server has nothing more`,
      },
      () =>
        ctx.store.tx((db) => {
          if (nextNonce) ctx.csp.set(db, clientCredPath(e.dmAccountId, 'AAuthData'), nextNonce, 'b64');
          ctx.state.set(db, 'omadm', { lastSessionId: sessionId });
          if (firstAccepted) markMsiReported(db, reports.map((r) => r.productId));
          let id = 1;
          const nextId = () => String(++id);
          for (const c of mgmt) execute(ctx, db, c, out, msg.hdr.msgId, nextId);
        }),
      () => ({ commands: out.log }),
    );
    result.commands.push(...out.log);
    await trackEsp(ctx);
    if (mgmt.length === 0) break;
    if (result.messages >= MAX_MESSAGES_PER_SESSION) {
      // A server that answers every package with more commands would keep the session open for ever.
      result.truncated = true;
      break;
    }
    msgId++;
    // Statuses first, then Results, as Windows orders its reply (MS-MDM section 4 example).
    commands = [statusFor({ cmdId: '1', msgRef: msg.hdr.msgId, cmdRef: '0', cmd: 'SyncHdr', code: STATUS.ok }), ...out.statuses, ...out.results];
  }
  result.installs = await runPendingMsiJobs(ctx);
  result.esp = espView(ctx.store);
  return result;
}
