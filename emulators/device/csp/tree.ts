import type { Store, Db } from '../../lab/store.js';
import { STATUS } from '../../protocols/syncml.js';
import { allowedCommands, type CspCommand } from './access.js';
import { normalizePath, parentOf } from './paths.js';

/** Item formats of syncml:metinf Format (MS-MDM). */
export type CspFormat = 'chr' | 'int' | 'bool' | 'b64' | 'xml' | 'node';

export interface CspNode {
  path: string;
  interior: boolean;
  value: string | null;
  format: CspFormat;
  access: CspCommand[];
}

/** The outcome of one server command on the tree: a MS-MDM status code, and for a Get the value read. */
export interface CspResult {
  status: string;
  value?: string;
  format?: CspFormat;
}

interface Row {
  path: string;
  interior: number;
  value: string | null;
  format: string;
  access: string;
}

const toNode = (r: Row): CspNode => ({
  path: r.path,
  interior: r.interior === 1,
  value: r.value,
  format: r.format as CspFormat,
  access: r.access.split(',').filter(Boolean) as CspCommand[],
});

/**
 * The device's OMA-DM tree in its SQLite store, with the server-command semantics of MS-MDM / OMA-DM 1.2:
 * Get (interior nodes list their children, `/`-separated), Add (418 when the node exists; missing interior
 * parents are created, as dynamic CSP nodes are), Replace (404 for a missing node unless the CSP lets the server
 * create it), Delete (the subtree), Exec (only where the CSP allows it; the caller runs the action), with
 * 404 for nodes not in the tree and 405 for commands the node does not allow (entra-mde2.md §8.4).
 * `set` / `remove` are the device's own writes (boot values, provisioning), which no ACL restricts.
 * Every method takes a Db from inside the caller's transaction, so one server message is one transaction.
 */
export class CspTree {
  constructor(private readonly store: Store) {}

  /** Read a node as the device (no ACL). */
  node(locUri: string): CspNode | null {
    return this.store.read((db) => this.nodeIn(db, normalizePath(locUri)));
  }

  /** The value of a leaf, or null. */
  value(locUri: string): string | null {
    return this.node(locUri)?.value ?? null;
  }

  /** Children names of an interior node, in insertion order. */
  children(locUri: string): string[] {
    return this.store.read((db) => this.childrenIn(db, normalizePath(locUri)));
  }

  /** Device-side write: create or overwrite a leaf (and its interior parents) with the CSP's ACL. */
  set(db: Db, locUri: string, value: string, format: CspFormat = 'chr'): void {
    const path = normalizePath(locUri);
    this.ensureParents(db, path);
    const access = (allowedCommands(path) ?? ['Get']).join(',');
    db.prepare(
      `INSERT INTO csp_nodes(path, interior, value, format, access) VALUES (?, 0, ?, ?, ?)
       ON CONFLICT(path) DO UPDATE SET value = excluded.value, format = excluded.format, interior = 0`,
    ).run(path, value, format, access);
  }

  /** Device-side delete of a node and its subtree. */
  remove(db: Db, locUri: string): void {
    const path = normalizePath(locUri);
    db.prepare(`DELETE FROM csp_nodes WHERE path = ? OR path LIKE ? ESCAPE '\\'`).run(path, `${likeEscape(path)}/%`);
  }

  get(db: Db, locUri: string): CspResult {
    const path = normalizePath(locUri);
    const node = this.nodeIn(db, path);
    if (!node) return { status: STATUS.notFound };
    if (!node.access.includes('Get')) return { status: STATUS.notAllowed };
    if (node.interior) return { status: STATUS.ok, value: this.childrenIn(db, path).join('/'), format: 'node' };
    return { status: STATUS.ok, value: node.value ?? '', format: node.format };
  }

  add(db: Db, locUri: string, value: string | undefined, format: CspFormat = 'chr'): CspResult {
    const path = normalizePath(locUri);
    if (this.nodeIn(db, path)) return { status: STATUS.alreadyExists };
    return this.addMissing(db, path, value, format);
  }

  /** Add at a normalised path the caller has just found no node at. */
  private addMissing(db: Db, path: string, value: string | undefined, format: CspFormat): CspResult {
    const allow = allowedCommands(path);
    if (!allow) return { status: STATUS.notFound };
    if (!allow.includes('Add')) return { status: STATUS.notAllowed };
    this.ensureParents(db, path);
    const interior = format === 'node' ? 1 : 0;
    db.prepare(`INSERT INTO csp_nodes(path, interior, value, format, access) VALUES (?, ?, ?, ?, ?)`).run(
      path,
      interior,
      interior ? null : (value ?? ''),
      format,
      allow.join(','),
    );
    return { status: STATUS.ok };
  }

  replace(db: Db, locUri: string, value: string, format: CspFormat = 'chr'): CspResult {
    const path = normalizePath(locUri);
    const node = this.nodeIn(db, path);
    if (!node) {
      // Many Windows CSPs (Policy, DMClient) create the node on Replace when an Add would be allowed.
      const allow = allowedCommands(path);
      if (!allow) return { status: STATUS.notFound };
      if (!allow.includes('Replace') || !allow.includes('Add')) return { status: allow.includes('Replace') ? STATUS.notFound : STATUS.notAllowed };
      // It was just found missing: no second look-up (nothing was written in between).
      return this.addMissing(db, path, value, format);
    }
    if (!node.access.includes('Replace')) return { status: STATUS.notAllowed };
    if (node.interior) return { status: STATUS.notAllowed };
    db.prepare(`UPDATE csp_nodes SET value = ?, format = ? WHERE path = ?`).run(value, format, path);
    return { status: STATUS.ok };
  }

  delete(db: Db, locUri: string): CspResult {
    const path = normalizePath(locUri);
    const node = this.nodeIn(db, path);
    if (!node) return { status: STATUS.notFound };
    if (!node.access.includes('Delete')) return { status: STATUS.notAllowed };
    this.remove(db, path);
    return { status: STATUS.ok };
  }

  /** Whether the server may Exec this node; the action itself is the caller's (an MSI job, a reboot…). */
  exec(db: Db, locUri: string): CspResult {
    const path = normalizePath(locUri);
    const node = this.nodeIn(db, path);
    if (!node) return { status: STATUS.notFound };
    if (!node.access.includes('Exec')) return { status: STATUS.notAllowed };
    return { status: STATUS.ok };
  }

  private nodeIn(db: Db, path: string): CspNode | null {
    const row = db.prepare(`SELECT * FROM csp_nodes WHERE path = ?`).get(path) as Row | undefined;
    return row ? toNode(row) : null;
  }

  private childrenIn(db: Db, path: string): string[] {
    const rows = db
      .prepare(`SELECT path FROM csp_nodes WHERE path LIKE ? ESCAPE '\\' AND path NOT LIKE ? ESCAPE '\\' ORDER BY rowid`)
      .pluck()
      .all(`${likeEscape(path)}/%`, `${likeEscape(path)}/%/%`) as string[];
    return rows.map((p) => p.slice(path.length + 1));
  }

  /**
   * Create the missing interior parents of `path`, nearest first up to one that exists: every node is written here
   * with its parents (set, add) and a delete takes the subtree, so a node that exists has all of its ancestors.
   */
  private ensureParents(db: Db, path: string): void {
    const has = db.prepare(`SELECT 1 FROM csp_nodes WHERE path = ?`).pluck();
    const missing: string[] = [];
    for (let p = parentOf(path); p !== null && p !== '.' && has.get(p) === undefined; p = parentOf(p)) missing.unshift(p);
    if (missing.length === 0) return;
    const ins = db.prepare(`INSERT INTO csp_nodes(path, interior, value, format, access) VALUES (?, 1, NULL, 'node', ?)`);
    for (const p of missing) ins.run(p, (allowedCommands(p) ?? ['Get']).filter((c) => c !== 'Exec').join(','));
  }
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
