import { mdmMysqlWatcher } from './mdm-mysql.js';
import { fleetOption } from './run.js';
import { parseTpmChoice, resolveTpm } from '../../emulators/device/tpm/backend.js';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from '../host/session.js';
import { startUiServer } from '../api/server.js';
import { electronBinary } from '../host/electron-binary.js';
import type { RunBundle } from '../contract.js';
import { readBundle } from './compare.js';
import { mdmTargetOption, type MdmTargetOpts } from './mdm-target.js';
import { usageError } from './usage.js';

/** `open BUNDLE`: the UI with a saved run on screen. */
export async function openCommand(file: string, opts: Omit<UiOpts, 'bundle'>): Promise<void> {
  let bundle: RunBundle;
  try {
    bundle = readBundle(file);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  await uiCommand({ ...opts, bundle });
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface UiOpts extends MdmTargetOpts {
  /** --mdm-mysql: show the rows of that Fleet's MySQL each step changed. */
  mdmMysql?: string;
  port?: number;
  dataDir?: string;
  electron?: boolean;
  /** Every party and the UI itself on HTTPS from the session's lab CA. */
  tls?: boolean;
  /** Write the lab CA certificate (PEM) here (implies --tls). */
  caOut?: string;
  /** A saved run to show first (`enrollscope open BUNDLE`). */
  bundle?: RunBundle;
  /** The Fleet profile of the first world (the UI's Fleet menu changes it per run). */
  fleet?: string;
  /** The device TPM of the first run (swtpm, soft, auto; default auto); the UI's TPM option changes it per run. */
  tpm?: string;
}

/** The host: emulators + UI API + the built UI on loopback; an Electron window on top where its binary exists. */
export async function uiCommand(opts: UiOpts): Promise<void> {
  const tls = Boolean(opts.tls || opts.caOut);
  const fleet = fleetOption(opts.fleet);
  if (fleet instanceof Error) return usageError(fleet);
  // Auto, as run and serve: swtpm when installed for an unseeded run; a seeded run keeps the in-process TPM, so it
  // replays byte-identically (backend.ts chooseTpm).
  const tpm = parseTpmChoice(opts.tpm ?? 'auto');
  if (tpm instanceof Error) return usageError(tpm);
  try {
    // --tpm swtpm without swtpm: resolveTpm's one line, before anything starts.
    if (tpm === 'swtpm') resolveTpm(tpm, false);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const externalMdm = mdmTargetOption(opts);
  if (externalMdm instanceof Error) return usageError(externalMdm);
  const watched = await mdmMysqlWatcher(opts.mdmMysql);
  if (watched instanceof Error) return usageError(watched);
  const watcher = watched;
  let session: Session;
  try {
    session = await Session.start({ ...(opts.dataDir && { dataDir: opts.dataDir }), ...(tls && { tls: true }), ...(fleet && { fleet }), ...(watcher && { watchers: [watcher] }), ...(externalMdm && { externalMdm }), tpm });
  } catch (e) {
    // The external Fleet refused the lab's setup (a wrong token, a TLS failure, no answer): one line, exit 2.
    process.stderr.write(`${(e as Error).message}\n`);
    await watcher?.close();
    process.exitCode = 2;
    return;
  }
  for (const note of session.current.mdmTarget.notes) process.stderr.write(`note: ${note}\n`);
  if (opts.bundle) session.open(opts.bundle);
  const ui = await startUiServer({ session, staticDir: join(root, 'dist', 'renderer'), ...(opts.port !== undefined && { port: opts.port }), tls: session.labTls });
  if (opts.caOut && session.labTls) writeFileSync(opts.caOut, session.labTls.caPem);
  // The Electron shell trusts only the public CAs: an HTTPS UI is for a browser that was given the lab CA.
  const bin = opts.electron && !tls ? electronBinary(root) : null;
  process.stdout.write(`Enrollscope is running.\n  UI          ${ui.openUrl}\n  MDM server  ${session.current.mdmTarget.url}${externalMdm ? '  (external)' : ''}\n  Entra ID    ${session.current.entra.url}  (tenant ${session.current.entra.tenantId}, MDM app ${session.current.entra.mdmAppId})\n  JWKS        ${session.current.entra.jwksUrl}\n`);
  if (opts.caOut) process.stdout.write(`  lab CA      ${opts.caOut}\n`);
  if (watcher) process.stdout.write(`  Fleet MySQL ${watcher.target.shown}  (read-only; ${Object.keys(watcher.watched).length} tables watched)\n`);
  let child: ReturnType<typeof spawn> | null = null;
  if (bin) {
    child = spawn(bin, [join(root, 'dist', 'main', 'main', 'index.cjs')], { stdio: 'inherit', env: { ...process.env, ENROLLSCOPE_URL: ui.openUrl } });
    child.on('exit', () => void stop());
  } else {
    process.stdout.write(`  (no Electron binary here: open the UI URL above in a browser)\nPress Ctrl+C to stop.\n`);
  }
  let stopping = false;
  async function stop() {
    if (stopping) return;
    stopping = true;
    child?.kill();
    await ui.close();
    await session.close();
    await watcher?.close();
    process.exit(0);
  }
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
