import type { World } from '../../emulators/scenarios/world.js';

/** The one JSON line `serve --json` prints: what an outside client needs to drive the lab's servers. */
export interface ServeInfo {
  mdm: string;
  entra: string | null;
  drs: string | null;
  tenantId: string | null;
  enrollSecret: string | null;
  users: { upn: string; password: string }[];
  db: Record<string, string>;
}

export function serveInfo(world: World): ServeInfo {
  const secret = world.mdm.ctx.store.read(
    (db) => db.prepare(`SELECT secret FROM enroll_secrets WHERE team_id IS NULL ORDER BY created_at LIMIT 1`).pluck().get() as string | undefined,
  );
  const db: Record<string, string> = {};
  for (const s of world.lab.allStores()) db[s.party] = s.file;
  return {
    mdm: world.mdm.url,
    entra: world.entra.url,
    drs: world.entra.drsUrl,
    tenantId: world.entra.tenantId,
    enrollSecret: secret ?? null,
    users: world.entra.users.map((u) => ({ upn: u.upn, password: u.password })),
    db,
  };
}
