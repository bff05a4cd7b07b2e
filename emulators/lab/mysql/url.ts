/** `--mdm-mysql mysql://user:pass@host:port/fleet[?socket=/path/to.sock]`, checked before anything connects. */
export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** A Unix socket instead of TCP (a local Fleet dev MySQL). */
  socketPath?: string;
  /** The URL without its password, for messages. */
  shown: string;
}

export class MysqlWatchError extends Error {
  override name = 'MysqlWatchError';
}

export function parseMysqlUrl(text: string): MysqlTarget {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new MysqlWatchError(`--mdm-mysql: not a URL: ${JSON.stringify(text)} (expected mysql://user:pass@host:port/fleet)`);
  }
  if (u.protocol !== 'mysql:') throw new MysqlWatchError(`--mdm-mysql: the URL must start with mysql:// (got ${u.protocol}//)`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw new MysqlWatchError('--mdm-mysql: name Fleet\'s database in the path, e.g. mysql://user:pass@127.0.0.1:3306/fleet');
  const user = decodeURIComponent(u.username);
  if (!user) throw new MysqlWatchError('--mdm-mysql: name a user, e.g. mysql://fleet_ro:pass@127.0.0.1:3306/fleet');
  const socketPath = u.searchParams.get('socket') ?? undefined;
  if (!u.hostname && !socketPath) throw new MysqlWatchError('--mdm-mysql: name a host (or ?socket=/path)');
  const port = u.port ? Number(u.port) : 3306;
  const shown = `mysql://${encodeURIComponent(user)}@${u.host || 'localhost'}/${encodeURIComponent(database)}${socketPath ? `?socket=${socketPath}` : ''}`;
  return { host: u.hostname || 'localhost', port, user, password: decodeURIComponent(u.password), database, ...(socketPath && { socketPath }), shown };
}
