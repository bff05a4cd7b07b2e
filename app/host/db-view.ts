import Database from 'better-sqlite3';
import { dumpTables } from '../../emulators/lab/store.js';
import { CHANGE_TABLE } from '../../emulators/lab/changelog.js';

/** Tables the DB view never shows: the change log itself and secrets a party keeps (a CA private key). */
const HIDDEN = [CHANGE_TABLE, 'lab_wstep_identity'];

/** Every table's rows of a serialized SQLite image, blobs as hex. */
export function dumpImage(image: Buffer): Record<string, Record<string, unknown>[]> {
  const db = new Database(image, { readonly: true });
  try {
    return dumpTables(db, HIDDEN);
  } finally {
    db.close();
  }
}
