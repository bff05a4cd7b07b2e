import type { Lab } from '../lab/lab.js';
import type { Store } from '../lab/store.js';
import { ORBIT_SCHEMA } from './schema.js';

/**
 * Where fleetd keeps its secrets on Windows. The MSI's ORBITROOT is C:\Program Files\Orbit\ (WiX template:
 * ProgramFiles64Folder/Orbit); the service runs `--root-dir "[ORBITROOT]." --enroll-secret-path "[ORBITROOT]secret.txt"`
 * (orbit/pkg/packaging windows serviceArguments). The node key is `<root-dir>/secret-orbit-node-key.txt`
 * (orbit/pkg/constant OrbitNodeKeyFileName), written atomically (temp file + rename, ACL'd to SYSTEM/Administrators).
 */
export const ORBIT_ROOT = 'C:\\Program Files\\Orbit\\';
export const ENROLL_SECRET_PATH = `${ORBIT_ROOT}secret.txt`;
export const NODE_KEY_PATH = `${ORBIT_ROOT}secret-orbit-node-key.txt`;
/** orbit's keystore on Windows is the Credential Manager (orbit/pkg/keystore); the item name is UNCONFIRMED. */
export const KEYSTORE_ENROLL_SECRET = 'com.fleetdm.fleetd.enroll.secret';

export interface OrbitState {
  store: Store;
  get(name: string): string | undefined;
  put(values: Record<string, string>): void;
  readFile(path: string): string | undefined;
  writeFile(path: string, content: string): void;
  deleteFile(path: string): void;
  keystore(name: string): string | undefined;
  setKeystore(name: string, secret: string): void;
}

export function orbitState(lab: Lab): OrbitState {
  const store = lab.openStore('orbit', ORBIT_SCHEMA);
  return {
    store,
    get: (name) => store.read((db) => db.prepare(`SELECT value FROM orbit_state WHERE name = ?`).pluck().get(name) as string | undefined),
    put: (values) =>
      store.tx((db) => {
        const up = db.prepare(`INSERT INTO orbit_state(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value`);
        for (const [k, v] of Object.entries(values)) up.run(k, v);
      }),
    readFile: (path) => store.read((db) => db.prepare(`SELECT content FROM orbit_files WHERE path = ?`).pluck().get(path) as string | undefined),
    writeFile: (path, content) =>
      store.tx((db) => db.prepare(`INSERT INTO orbit_files(path, content) VALUES (?, ?) ON CONFLICT(path) DO UPDATE SET content = excluded.content`).run(path, content)),
    deleteFile: (path) => store.tx((db) => db.prepare(`DELETE FROM orbit_files WHERE path = ?`).run(path)),
    keystore: (name) => store.read((db) => db.prepare(`SELECT secret FROM orbit_keystore WHERE name = ?`).pluck().get(name) as string | undefined),
    setKeystore: (name, secret) =>
      store.tx((db) => db.prepare(`INSERT INTO orbit_keystore(name, secret) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET secret = excluded.secret`).run(name, secret)),
  };
}

/**
 * readEnrollSecretFromFile (orbit/cmd/orbit/orbit.go) with the Windows keystore: the secret the MSI wrote to
 * secret.txt is added to (or updated in) the keystore and the file is deleted; with no file, the keystore's is used.
 */
export function adoptEnrollSecret(s: OrbitState): string | undefined {
  const fromFile = s.readFile(ENROLL_SECRET_PATH)?.trim();
  if (fromFile) {
    if (s.keystore(KEYSTORE_ENROLL_SECRET) !== fromFile) s.setKeystore(KEYSTORE_ENROLL_SECRET, fromFile);
    s.deleteFile(ENROLL_SECRET_PATH);
    return fromFile;
  }
  return s.keystore(KEYSTORE_ENROLL_SECRET);
}
