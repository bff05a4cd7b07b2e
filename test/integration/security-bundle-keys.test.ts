import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { runScenarios } from '../../app/host/headless.js';
import { KEY_CELLS, KeysLeftError, withoutKeys } from '../../app/api/strip-keys.js';
import { REDACTED } from '../../app/api/redact.js';
import { exportCommand } from '../../app/cli/compare.js';
import { imageFromArchive } from '../../emulators/lab/snapshots.js';
import { RunBundleSchema, type RunBundle } from '../../app/contract.js';

/**
 * A run bundle carries the lab servers' private keys inside its DB snapshots (whole SQLite files); `export
 * --without-keys` blanks them and keeps everything else, so an opened run still has its DB tab.
 */
let bundle: RunBundle;
let stripped: RunBundle;
const dir = mkdtempSync(join(tmpdir(), 'enrollscope-sec-keys-'));

beforeAll(async () => {
  // autopilot-eua makes every kind of key: the WSTEP CA, Entra's two signing keys, a PRT session key, a krbtgt key.
  const report = await runScenarios(['autopilot-eua'], { seed: 'security-bundle-keys' });
  bundle = report.runs[0]!.bundle;
  stripped = withoutKeys(bundle);
}, 60_000);

const pagesOf = (b: RunBundle) => Object.values(b.snapshots?.pages ?? {}).map((p) => Buffer.from(p, 'base64'));
const lastStep = () => bundle.steps.length - 1;

function rows(b: RunBundle, index: number, party: string, sql: string): Record<string, unknown>[] {
  const db = new Database(imageFromArchive(b.snapshots!, index, party)!);
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** Every key cell of the run, as the parties stored it: the bytes that must not be in a bundle without keys. */
function keyBytes(b: RunBundle): Buffer[] {
  const out: Buffer[] = [];
  for (const [party, cells] of Object.entries(KEY_CELLS)) {
    for (const { table, column } of cells) {
      for (const r of rows(b, lastStep(), party, `SELECT "${column}" AS v FROM "${table}"`)) {
        const v = r.v;
        if (Buffer.isBuffer(v)) out.push(v);
        else if (typeof v === 'string') out.push(...v.split('\n').filter((l) => l.length >= 32 && !l.startsWith('-----')).map((l) => Buffer.from(l)));
      }
    }
  }
  return out;
}

describe('a run bundle and the lab servers\' keys', () => {
  it('as exported, holds every kind of key in its DB snapshots (what the export without keys takes out)', () => {
    expect(pagesOf(bundle).some((p) => p.includes('PRIVATE KEY-----'))).toBe(true);
    expect(rows(bundle, lastStep(), 'entra', 'SELECT purpose FROM signing_keys ORDER BY purpose')).toEqual([{ purpose: 'device-ca' }, { purpose: 'token' }]);
    expect(rows(bundle, lastStep(), 'mdm', 'SELECT count(*) AS n FROM lab_wstep_identity')).toEqual([{ n: 1 }]);
    expect(rows(bundle, lastStep(), 'entra', 'SELECT count(*) AS n FROM session_keys')[0]!.n).toBeGreaterThan(0);
    expect(rows(bundle, lastStep(), 'entra', 'SELECT count(*) AS n FROM kdc_keys')[0]!.n).toBeGreaterThan(0);
  });

  it('never carries them in its steps (the parties keep them in unlogged tables)', () => {
    const steps = JSON.stringify(bundle.steps);
    expect(steps).not.toContain('PRIVATE KEY-----');
    for (const k of keyBytes(bundle)) expect(steps.includes(k.toString('utf8')) || steps.includes(k.toString('base64'))).toBe(false);
  });

  it('without keys: no snapshot page holds a private key, a PRT session key or a krbtgt key', () => {
    const pages = pagesOf(stripped);
    const keys = keyBytes(bundle);
    expect(keys.length).toBeGreaterThanOrEqual(5);
    expect(pages.filter((p) => p.includes('PRIVATE KEY-----'))).toHaveLength(0);
    for (const k of keys) expect(pages.filter((p) => p.includes(k))).toHaveLength(0);
  });

  it('without keys: every key cell is blank after every step', () => {
    for (const index of Object.keys(stripped.snapshots!.images).map(Number)) {
      const parties = Object.keys(stripped.snapshots!.images[String(index)]!);
      if (parties.includes('mdm')) for (const r of rows(stripped, index, 'mdm', 'SELECT private_key_pem AS v FROM lab_wstep_identity')) expect(r.v).toBe(REDACTED);
      if (!parties.includes('entra')) continue;
      for (const r of rows(stripped, index, 'entra', 'SELECT private_key_pem AS v FROM signing_keys')) expect(r.v).toBe(REDACTED);
      for (const r of rows(stripped, index, 'entra', 'SELECT length(session_key) AS n FROM session_keys UNION ALL SELECT length(key) FROM kdc_keys')) expect(r.n).toBe(0);
    }
  });

  it('without keys: keeps the steps, every step\'s snapshot and every other cell as they were', () => {
    expect(stripped.steps).toEqual(bundle.steps);
    expect(Object.keys(stripped.snapshots!.images)).toEqual(Object.keys(bundle.snapshots!.images));
    const keyColumns = new Set(Object.values(KEY_CELLS).flat().map((c) => `${c.table}.${c.column}`));
    /** Every table's rows but the key cells; each distinct image once (steps that wrote nothing share theirs). */
    const seen = new Map<string, string>();
    const dump = (b: RunBundle, index: string, party: string) => {
      const id = b.snapshots!.images[index]![party]!.pages.join();
      const hit = seen.get(id);
      if (hit) return hit;
      const db = new Database(imageFromArchive(b.snapshots!, Number(index), party)!, { readonly: true });
      const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
      const out = JSON.stringify(
        tables.map((t) => [t, (db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all() as Record<string, unknown>[]).map((r) => Object.entries(r).filter(([c]) => !keyColumns.has(`${t}.${c}`)))]),
        (_k, v: unknown) => (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('base64') : v),
      );
      db.close();
      seen.set(id, out);
      return out;
    };
    let compared = 0;
    for (const [index, parties] of Object.entries(bundle.snapshots!.images)) {
      for (const party of Object.keys(parties)) {
        expect(dump(stripped, index, party), `${party} after step ${index}`).toBe(dump(bundle, index, party));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('refuses to write a bundle "without keys" when a PEM private key sits in a table it does not know', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE notes (body TEXT)`);
    db.prepare(`INSERT INTO notes VALUES (?)`).run('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n');
    const image = db.serialize();
    db.close();
    const key = 'p1';
    const odd: RunBundle = { ...bundle, snapshots: { pages: { [key]: image.toString('base64') }, images: { '-1': { orbit: { pageSize: image.length, pages: [key], bytes: image.length } } } } };
    expect(() => withoutKeys(odd)).toThrow(KeysLeftError);
  });

  it('enrollscope export --without-keys and --redacted write bundles that open, the one with its snapshots, the other with none', () => {
    const input = join(dir, 'run.json');
    writeFileSync(input, JSON.stringify(bundle));
    const clean = join(dir, 'without-keys.json');
    const redacted = join(dir, 'redacted.json');
    exportCommand(input, { withoutKeys: clean, redacted });
    expect(process.exitCode ?? 0).toBe(0);
    const a = RunBundleSchema.parse(JSON.parse(readFileSync(clean, 'utf8')));
    expect(a.snapshots).toEqual(stripped.snapshots);
    const b = RunBundleSchema.parse(JSON.parse(readFileSync(redacted, 'utf8')));
    expect(b.snapshots).toBeUndefined();
    expect(readFileSync(redacted, 'utf8')).not.toContain('PRIVATE KEY-----\nMII');
  });
});
