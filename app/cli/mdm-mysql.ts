import type { MysqlWatcher } from '../../emulators/lab/mysql/watch.js';

/**
 * `--mdm-mysql URL`: watch that Fleet's MySQL, read-only, and show the rows each step changed in the DB tab. Against
 * the embedded MDM server the option works too, and shows nothing there (the embedded server keeps SQLite).
 * null without the option; an Error (one line, the password left out) when the URL is wrong or the DB unreachable.
 */
export async function mdmMysqlWatcher(url: string | undefined, warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<MysqlWatcher | null | Error> {
  if (url === undefined) return null;
  // Loaded only when asked for: a run without the option never loads mysql2.
  const { MysqlWatcher } = await import('../../emulators/lab/mysql/watch.js');
  try {
    return await MysqlWatcher.connect(url, { warn });
  } catch (e) {
    return e as Error;
  }
}
