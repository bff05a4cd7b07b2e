import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { RunBundle } from '../contract.js';
import { REDACTED } from './redact.js';

/**
 * A bundle without the lab servers' private keys, which keeps its DB snapshots (and so the DB tab of an opened run).
 * The steps never carry these keys: the parties keep them in tables the lab opens unlogged, so no step's DB changes
 * show them. The snapshots are whole SQLite files, and hold them. Here every party image is opened, its key cells
 * overwritten with `secure_delete` on (SQLite zeroes the freed bytes: https://sqlite.org/pragma.html#pragma_secure_delete),
 * written back as pages, and then searched for the old key bytes: a bundle that still held one is an error, never a
 * file. What stays: users' passwords, enroll secrets, tokens (SECURITY.md; `redactBundle` takes those out too).
 */
type Snapshots = NonNullable<RunBundle['snapshots']>;
type Image = Snapshots['images'][string][string];

/** Where each party keeps key material (emulators/entra/schema.ts, emulators/mdm/store/schema.ts). */
export const KEY_CELLS: Readonly<Record<string, readonly { table: string; column: string; blank: string | Buffer }[]>> = {
  // The WSTEP identity CA that signs every enrolled device's MDM client certificate (server/mdm/microsoft/wstep.go).
  mdm: [{ table: 'lab_wstep_identity', column: 'private_key_pem', blank: REDACTED }],
  entra: [
    // The token signing key (id tokens, PRTs) and the MS-Organization-Access CA (device certificates).
    { table: 'signing_keys', column: 'private_key_pem', blank: REDACTED },
    // Each PRT's session key and each realm's krbtgt key.
    { table: 'session_keys', column: 'session_key', blank: Buffer.alloc(0) },
    { table: 'kdc_keys', column: 'key', blank: Buffer.alloc(0) },
  ],
};

export class KeysLeftError extends Error {}

/** The bytes to look for afterwards: a PEM's base64 body lines, a raw key as is. */
function needles(value: unknown): Buffer[] {
  if (Buffer.isBuffer(value)) return value.length >= 8 ? [value] : [];
  if (typeof value !== 'string') return [];
  const body = value.split('\n').filter((l) => l.length >= 32 && !l.startsWith('-----'));
  return (body.length > 0 ? body : [value]).map((l) => Buffer.from(l));
}

function strip(party: string, image: Buffer): Buffer {
  const cells = KEY_CELLS[party];
  if (!cells) return image;
  const db = new Database(image);
  try {
    db.pragma('secure_delete = ON');
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
    const old: Buffer[] = [];
    for (const { table, column, blank } of cells) {
      if (!tables.has(table)) continue;
      for (const row of db.prepare(`SELECT "${column}" AS v FROM "${table}"`).all() as { v: unknown }[]) old.push(...needles(row.v));
      db.prepare(`UPDATE "${table}" SET "${column}" = ?`).run(blank);
    }
    let out = db.serialize();
    // secure_delete zeroes what this update frees; a free page from before (the file as the party left it) may
    // still hold an older copy: VACUUM rewrites the file from its live rows only.
    if (old.some((n) => out.includes(n))) {
      db.exec('VACUUM');
      out = db.serialize();
    }
    if (old.some((n) => out.includes(n)) || out.includes('PRIVATE KEY-----')) throw new KeysLeftError(`the ${party} DB snapshot still holds key bytes after blanking them`);
    return out;
  } finally {
    db.close();
  }
}

/** Pages as the lab's page pool keys them (emulators/lab/snapshots.ts): sha1, base64. */
function page(image: Buffer, pageSize: number, pages: Record<string, string>): Image {
  const refs: string[] = [];
  for (let off = 0; off < image.length; off += pageSize) {
    const bytes = image.subarray(off, Math.min(off + pageSize, image.length));
    const key = createHash('sha1').update(bytes).digest('base64');
    pages[key] ??= bytes.toString('base64');
    refs.push(key);
  }
  return { pageSize, pages: refs, bytes: image.length };
}

export function withoutKeys(bundle: RunBundle): RunBundle {
  if (!bundle.snapshots) return bundle;
  const { images, pages: inPages } = bundle.snapshots;
  const pages: Record<string, string> = {};
  const outImages: Snapshots['images'] = {};
  // Steps that wrote nothing share their image: strip each distinct one once.
  const done = new Map<string, Image>();
  for (const [index, parties] of Object.entries(images)) {
    const row: Record<string, Image> = {};
    for (const [party, img] of Object.entries(parties)) {
      const id = `${party}:${img.pages.join(',')}`;
      let out = done.get(id);
      if (!out) {
        const bytes = Buffer.concat(img.pages.map((k) => Buffer.from(inPages[k] ?? '', 'base64')), img.bytes);
        out = page(strip(party, bytes), img.pageSize, pages);
        done.set(id, out);
      }
      row[party] = out;
    }
    outImages[index] = row;
  }
  // Whatever party a PEM private key turned up in, a bundle "without keys" does not carry it.
  for (const b64 of Object.values(pages)) if (Buffer.from(b64, 'base64').includes('PRIVATE KEY-----')) throw new KeysLeftError('a DB snapshot holds a PEM private key in a table the export does not know');
  return { ...bundle, snapshots: { pages, images: outImages } };
}
