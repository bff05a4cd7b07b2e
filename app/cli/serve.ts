import { pickSeededPorts } from '../../emulators/lab/seeded-ports.js';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { labTlsFor, startWorld } from '../../emulators/scenarios/world.js';
import { serveInfo } from '../host/serve-info.js';
import { startLabPhone } from '../api/lab-phone.js';
import { fleetOption } from './run.js';
import { mdmMysqlWatcher } from './mdm-mysql.js';
import { parseTpmChoice } from '../../emulators/device/tpm/backend.js';
import { defaultKeyCacheDir } from '../host/session.js';
import { mdmTargetOption, type MdmTargetOpts } from './mdm-target.js';
import { usageError } from './usage.js';

interface ServeOpts extends MdmTargetOpts {
  json?: boolean;
  dataDir?: string;
  seed?: string;
  mdmPort?: number;
  entraPort?: number;
  labPort?: number;
  tls?: boolean;
  caOut?: string;
  fleet?: string;
  listen?: string;
  mdmMysql?: string;
  tpm?: string;
  fleetApiOnly?: boolean;
}

/**
 * --listen ADDRESS: an IP address of this machine or a name that resolves to one; 127.0.0.1 (the default) gives null.
 * The unspecified addresses are refused: the servers advertise the address they listen on, and 0.0.0.0 names no host.
 */
export function listenOption(v: string | undefined): string | null | Error {
  if (v === undefined || v === '127.0.0.1') return null;
  const a = v.replace(/^\[(.*)\]$/, '$1');
  if (a === '0.0.0.0' || a === '::' || a === '') return new Error(`--listen ${v}: name one address of this machine (the host-only adapter's, see ip -br addr), not the unspecified address: the servers advertise the address they listen on`);
  if (!isIP(a) && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(a)) return new Error(`--listen ${v}: not an IP address or host name`);
  return a;
}

/** Start the emulators (and the lab API, the user's phone) and keep them up until SIGINT/SIGTERM. */
export async function serveCommand(opts: ServeOpts): Promise<void> {
  const fleet = fleetOption(opts.fleet);
  if (fleet instanceof Error) return usageError(fleet);
  const listen = listenOption(opts.listen);
  if (listen instanceof Error) return usageError(listen);
  const tpm = parseTpmChoice(opts.tpm);
  if (tpm instanceof Error) return usageError(tpm);
  const watcher = await mdmMysqlWatcher(opts.mdmMysql);
  if (watcher instanceof Error) return usageError(watcher);
  const externalMdm = mdmTargetOption(opts);
  if (externalMdm instanceof Error) return usageError(externalMdm);
  // As fleet serve --dev does (server/mdm/microsoft/wstep.go): the JWKS the Azure JWT of an enrollment is checked against,
  // so a run of another lab (its own Entra) can enroll here with --fleet-api-only, as into a real Fleet.
  const jwksFromEnv = process.env.FLEET_DEV_AZURE_JWT_JWKS_URI || null;
  const seed = opts.seed ?? null;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'enrollscope-'));
  const caBefore = existsSync(join(dataDir, 'tls', 'lab-ca.pem')) ? readFileSync(join(dataDir, 'tls', 'lab-ca.pem'), 'utf8') : null;
  // --ca-out without --tls would hand out a CA no server uses: it asks for TLS.
  // A seeded lab reuses the RSA keys its seed made before (DESIGN.md "Clock and determinism"), as run does.
  const keyCacheDir = seed === null ? undefined : defaultKeyCacheDir();
  const tls = opts.tls || opts.caOut ? await labTlsFor(dataDir, { seed, listen, ...(keyCacheDir && { keyCacheDir }) }) : null;
  if (listen) {
    process.stderr.write(`enrollscope: warning: the lab's servers listen on ${listen}, not 127.0.0.1: whoever reaches that address can enroll and sign in with the lab's test users and passwords; keep it on a host-only network.\n`);
    if (tls && caBefore !== null && caBefore !== tls.caPem) process.stderr.write(`enrollscope: warning: the lab CA in ${join(dataDir, 'tls')} was made again to permit ${listen} (its name constraints): give clients the new lab-ca.pem.\n`);
  }
  let caFile: string | null = null;
  if (tls) {
    caFile = resolve(opts.caOut ?? join(dataDir, 'tls', 'lab-ca.pem'));
    if (opts.caOut) writeFileSync(caFile, tls.caPem);
  }
  const seededDefaults = seed !== null && opts.mdmPort === undefined && opts.entraPort === undefined ? ((await pickSeededPorts(seed)).ports ?? {}) : {};
  let world;
  try {
    world = await startWorld({
      dataDir,
      seed,
      tls,
      ...(keyCacheDir && { keyCacheDir }),
      ...(listen && { listen }),
      tpm,
      ...(externalMdm && { externalMdm }),
      ...(opts.fleetApiOnly && { mdmLabApi: false }),
      ...((fleet || jwksFromEnv) && { mdmSettings: { ...(fleet && { fleetProfile: fleet }), ...(jwksFromEnv && { azureJwksUri: jwksFromEnv }) } }),
      ...(watcher && { watchers: [watcher] }),
      // --seed without ports: the seed's ports (seeded-ports.ts), so the same seed serves the same URLs next time.
      ports: { ...seededDefaults, ...(opts.mdmPort !== undefined && { mdm: opts.mdmPort }), ...(opts.entraPort !== undefined && { entra: opts.entraPort }) },
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // listen(2) on an address no interface has (a host-only adapter that is down): say so instead of a stack.
    if (listen && (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')) process.stderr.write(`--listen ${listen}: this machine has no such address (${code}); see ip -br addr\n`);
    // The external Fleet refused the lab's setup (a wrong token, a TLS failure, no answer): one line, exit 2.
    else if (externalMdm) process.stderr.write(`${(e as Error).message}\n`);
    else throw e;
    await watcher?.close();
    process.exitCode = 2;
    return;
  }
  for (const note of world.mdmTarget.notes) process.stderr.write(`note: ${note}\n`);
  const phone = await startLabPhone({ world, tls, ...(opts.labPort !== undefined && { port: opts.labPort }) });
  const info = serveInfo(world, { labUrl: phone.url, labToken: phone.token, caFile });
  if (opts.json) process.stdout.write(`${JSON.stringify(info)}\n`);
  else {
    process.stdout.write(`Enrollscope emulators are up.\n  MDM server  ${info.mdm}  (${info.mdmExternal ? 'external' : `Fleet profile ${info.fleet}`})\n  Entra ID    ${info.entra ?? '(not running)'}\n`);
    if (info.tenantId) process.stdout.write(`  tenant      ${info.tenantId}\n`);
    if (info.mdmAppId) process.stdout.write(`  MDM app     ${info.mdmAppId}\n`);
    if (info.jwksUrl) process.stdout.write(`  JWKS        ${info.jwksUrl}\n`);
    for (const u of info.users) process.stdout.write(`  user        ${u.upn}  ${u.password}\n`);
    if (info.enrollSecret) process.stdout.write(`  enroll secret ${info.enrollSecret}\n`);
    process.stdout.write(`  Fleet API   ${info.mdm}/api/v1/fleet/hosts  (Authorization: Bearer ${info.fleetApiToken})\n`);
    process.stdout.write(`  lab API     ${info.labUrl}/api/entra/pending  (Authorization: Bearer ${info.labToken})\n`);
    if (info.caFile) process.stdout.write(`  lab CA      ${info.caFile}\n`);
    if (watcher) process.stdout.write(`  Fleet MySQL ${watcher.target.shown}  (read-only; ${Object.keys(watcher.watched).length} tables watched)\n`);
    for (const [party, file] of Object.entries(info.db)) process.stdout.write(`  ${party} DB  ${file}\n`);
    process.stdout.write('Press Ctrl+C to stop.\n');
  }
  const stop = async () => {
    await phone.close();
    await world.close();
    await watcher?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
