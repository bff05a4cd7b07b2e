import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../lab/store.js';
import type { MdmContext } from '../context.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';

/**
 * The fleetd-base MSI the install command points at. Fleet reads `fleetd_base_msi_url` / `fleetd_base_msi_sha256`
 * from https://download.fleetdm.com/stable/meta.json (fleetdbase.GetMetadata, overridable with
 * FLEET_DEV_DOWNLOAD_FLEETDM_URL). The lab serves the same layout from the MDM server itself:
 * `GET /stable/meta.json` and `GET /stable/fleetd-base.msi`. The MSI is a stand-in: fixed bytes made once per lab at
 * server start (an OLE compound-file signature, as every MSI starts, then lab-seeded bytes) and kept in the DB so
 * that its SHA-256 is real and stable.
 */
const KV_KEY = 'fleetd_base_msi';
const NEVER = '9999-12-31T23:59:59.999Z';
const CFB_SIGNATURE = Buffer.from('d0cf11e0a1b11ae1', 'hex');
const MSI_SIZE = 16 * 1024;

export interface FleetdMetadata {
  fleetd_base_msi_url: string;
  fleetd_base_msi_sha256: string;
}

/** Seed: the MSI's bytes, made once per lab (the server's seed step). */
export function ensureFleetdBaseMsi(ctx: MdmContext): void {
  const exists = ctx.store.read((db) => db.prepare(`SELECT 1 FROM lab_kv WHERE key = ?`).get(KV_KEY));
  if (exists) return;
  const bytes = Buffer.concat([CFB_SIGNATURE, ctx.lab.ids.bytes(MSI_SIZE - CFB_SIGNATURE.length)]);
  ctx.store.tx((db) => db.prepare(`INSERT OR IGNORE INTO lab_kv(key, value, expires_at) VALUES (?, ?, ?)`).run(KV_KEY, bytes.toString('base64'), NEVER));
}

export function fleetdBaseMsiBytes(db: Db): Buffer | undefined {
  const row = db.prepare(`SELECT value FROM lab_kv WHERE key = ?`).get(KV_KEY) as { value: string } | undefined;
  return row ? Buffer.from(row.value, 'base64') : undefined;
}

/** fleetdbase.GetMetadata: undefined when the MSI is missing (Fleet then skips the install and retries next session). */
export function fleetdMetadata(db: Db, ctx: MdmContext): FleetdMetadata | undefined {
  const bytes = fleetdBaseMsiBytes(db);
  if (!bytes) return undefined;
  return { fleetd_base_msi_url: ctx.url(MDM_PATHS.fleetdBaseMsi), fleetd_base_msi_sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The two downloads: the metadata Fleet reads and the MSI the device's MsiInstallJob fetches. */
export function registerFleetdDownloads(app: FastifyInstance, ctx: MdmContext): void {
  app.get(MDM_PATHS.fleetdMeta, async (_req, reply) => {
    const meta = ctx.store.read((db) => fleetdMetadata(db, ctx));
    if (!meta) return reply.code(404).send({ message: 'fleetd-base.msi is not available' });
    return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(meta));
  });
  app.get(MDM_PATHS.fleetdBaseMsi, async (_req, reply) => {
    const bytes = ctx.store.read((db) => fleetdBaseMsiBytes(db));
    if (!bytes) return reply.code(404).send({ message: 'fleetd-base.msi is not available' });
    return reply.header('content-type', 'application/octet-stream').header('content-disposition', 'attachment; filename="fleetd-base.msi"').send(bytes);
  });
}
