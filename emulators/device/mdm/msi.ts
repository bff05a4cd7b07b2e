import { createHash } from 'node:crypto';
import type { Db } from '../../lab/store.js';
import { STATUS } from '../../protocols/syncml.js';
import { normalizePath } from '../csp/paths.js';
import { send, type DeviceContext } from '../context.js';
import { parseMsiCommandLine, parseMsiInstallJob, type MsiInstallJob } from './msi-job.js';

/** EnterpriseDesktopAppManagement MSI Status values (entra-mde2.md §9). */
export const MSI_STATUS = {
  initialized: 10,
  downloadInProgress: 20,
  downloadFailed: 30,
  downloadCompleted: 40,
  enforcementInProgress: 50,
  enforcementFailed: 60,
  enforcementCompleted: 70,
} as const;

/** HRESULTs reported in LastError and in the completion alert. */
const HRESULT = {
  ok: 0,
  /** CRYPT_E_HASH_VALUE: the downloaded file's hash is not the FileHash. */
  hashMismatch: 0x80091007 | 0,
  /** HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND): no ContentURL could be downloaded. */
  downloadFailed: 0x80070002 | 0,
  /** HRESULT_FROM_WIN32(ERROR_INSTALL_FAILURE) */
  installFailed: 0x80070643 | 0,
};

/** What an installed MSI hands the program it installs: its product code, version and public properties. */
export interface MsiInstall {
  productId: string;
  version: string;
  commandLine: string;
  switches: string[];
  properties: Record<string, string>;
  sha256: string;
}

/** Runs what an MSI installs (orbit for fleetd-base.msi). The device awaits it after the install step. */
export type MsiLauncher = (install: MsiInstall) => Promise<void>;

interface JobRow {
  product_id: string;
  job_id: string;
  version: string;
  content_urls: string;
  file_hash: string;
  command_line: string;
  status: number;
  last_error: number;
  reported: number;
}

const MSI_ROOT = './Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI';

/** The {ProductID} of a DownloadInstall LocURI (escaped or not). */
export function productIdOf(locUri: string): string | null {
  const m = /\/EnterpriseDesktopAppManagement\/MSI\/([^/]+)\/DownloadInstall$/.exec(normalizePath(locUri));
  return m ? m[1]! : null;
}

/**
 * Exec on …/MSI/{ProductID}/DownloadInstall: parse and accept the job (status 200, the job runs after the
 * session, as Windows runs it asynchronously; whether Windows answers 200 or 202 is UNCONFIRMED, §9). A product
 * already installed at that version is not installed again (the fixed product code is how Fleet avoids
 * reinstalls). Runs inside the caller's transaction.
 */
export function acceptMsiExec(ctx: DeviceContext, db: Db, locUri: string, data: string | undefined): string {
  const productId = productIdOf(locUri);
  if (!productId || data === undefined) return STATUS.badRequest;
  let job: MsiInstallJob;
  try {
    job = parseMsiInstallJob(data);
    parseMsiCommandLine(job.commandLine);
  } catch {
    return STATUS.badRequest;
  }
  const existing = db.prepare(`SELECT * FROM msi_jobs WHERE product_id = ?`).get(productId) as JobRow | undefined;
  if (existing && existing.status === MSI_STATUS.enforcementCompleted && existing.version === job.version) return STATUS.ok;
  db.prepare(
    `INSERT INTO msi_jobs(product_id, job_id, version, content_urls, file_hash, command_line, status, last_error, last_error_desc, reported, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0, '', 0, ?)
     ON CONFLICT(product_id) DO UPDATE SET job_id = excluded.job_id, version = excluded.version, content_urls = excluded.content_urls,
       file_hash = excluded.file_hash, command_line = excluded.command_line, status = excluded.status, last_error = 0,
       last_error_desc = '', reported = 0, updated_at = excluded.updated_at`,
  ).run(productId, job.id, job.version, JSON.stringify(job.contentUrls), job.fileHash, job.commandLine, MSI_STATUS.initialized, ctx.lab.clock.date().toISOString());
  setStatusNodes(ctx, db, productId, MSI_STATUS.initialized, 0);
  return STATUS.ok;
}

function setStatusNodes(ctx: DeviceContext, db: Db, productId: string, status: number, lastError: number, version?: string): void {
  ctx.csp.set(db, `${MSI_ROOT}/${productId}/Status`, String(status), 'int');
  ctx.csp.set(db, `${MSI_ROOT}/${productId}/LastError`, String(lastError), 'int');
  if (version) ctx.csp.set(db, `${MSI_ROOT}/${productId}/Version`, version);
}

function finish(ctx: DeviceContext, productId: string, status: number, lastError: number, desc: string, version?: string): void {
  ctx.store.tx((db) => {
    db.prepare(`UPDATE msi_jobs SET status = ?, last_error = ?, last_error_desc = ?, updated_at = ? WHERE product_id = ?`).run(
      status,
      lastError,
      desc,
      ctx.lab.clock.date().toISOString(),
      productId,
    );
    setStatusNodes(ctx, db, productId, status, lastError, version);
    if (status === MSI_STATUS.enforcementCompleted) ctx.csp.set(db, `${MSI_ROOT}/${productId}/InstallDate`, ctx.lab.clock.date().toISOString());
  });
}

/**
 * Run the accepted jobs: download from each ContentURL in order, check the SHA-256 against FileHash, "install"
 * (msiexec with the command line's properties) as a local step, then start what the MSI installs. Returns the
 * installs that completed.
 */
export async function runPendingMsiJobs(ctx: DeviceContext): Promise<MsiInstall[]> {
  const jobs = ctx.store.read((db) => db.prepare(`SELECT * FROM msi_jobs WHERE status = ? ORDER BY rowid`).all(MSI_STATUS.initialized) as JobRow[]);
  const done: MsiInstall[] = [];
  for (const job of jobs) {
    let bytes: Buffer | null = null;
    for (const url of JSON.parse(job.content_urls) as string[]) {
      const res = await send(ctx, { catalogId: 'msi.download', title: `MSI download ${new URL(url).pathname.split('/').pop() ?? ''}`, url, headers: { 'user-agent': 'Microsoft BITS/7.8' } });
      if (res.status === 200) {
        bytes = res.raw;
        break;
      }
    }
    if (!bytes) {
      await ctx.lab.local({ party: 'device', catalogId: 'msi.download-failed', title: `MSI ${job.product_id}: download failed` }, () =>
        finish(ctx, job.product_id, MSI_STATUS.downloadFailed, HRESULT.downloadFailed, 'no ContentURL could be downloaded'),
      );
      continue;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex').toUpperCase();
    if (sha256 !== job.file_hash.toUpperCase()) {
      await ctx.lab.local({ party: 'device', catalogId: 'msi.hash-mismatch', title: `MSI ${job.product_id}: hash mismatch, not installed`, detail: { expected: job.file_hash, actual: sha256 } }, () =>
        finish(ctx, job.product_id, MSI_STATUS.downloadFailed, HRESULT.hashMismatch, 'the file hash does not match FileHash'),
      );
      continue;
    }
    const cmd = parseMsiCommandLine(job.command_line);
    const install: MsiInstall = { productId: job.product_id, version: job.version, commandLine: job.command_line, switches: cmd.switches, properties: cmd.properties, sha256 };
    await ctx.lab.local(
      {
        party: 'device',
        title: `msiexec /i ${job.product_id} ${cmd.switches.join(' ')} (${Object.keys(cmd.properties).join(', ')})`,
        catalogId: 'msi.install',
        detail: { productId: job.product_id, version: job.version, sha256, bytes: bytes.length, switches: cmd.switches, properties: cmd.properties },
      },
      () => finish(ctx, job.product_id, MSI_STATUS.enforcementCompleted, HRESULT.ok, '', job.version),
    );
    done.push(install);
    const launcher = ctx.launchers[job.product_id] ?? ctx.launchers[job.product_id.toUpperCase()];
    if (launcher) await launcher(install);
  }
  return done;
}

/** Jobs finished but not yet reported to the server: each becomes a 1224 alert in the next session (§9). */
export function unreportedMsiResults(ctx: DeviceContext): { productId: string; hresult: number }[] {
  return ctx.store.read((db) =>
    (db.prepare(`SELECT product_id, last_error FROM msi_jobs WHERE reported = 0 AND status IN (?, ?, ?) ORDER BY rowid`).all(
      MSI_STATUS.enforcementCompleted,
      MSI_STATUS.downloadFailed,
      MSI_STATUS.enforcementFailed,
    ) as { product_id: string; last_error: number }[]).map((r) => ({ productId: r.product_id, hresult: r.last_error })),
  );
}

export function markMsiReported(db: Db, productIds: string[]): void {
  const up = db.prepare(`UPDATE msi_jobs SET reported = 1 WHERE product_id = ?`);
  for (const p of productIds) up.run(p);
}

export { HRESULT as MSI_HRESULT };
