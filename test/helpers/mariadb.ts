import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from './ports.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { FLEET_MYSQL_SCHEMA } from './fleet-mysql-schema.js';

/**
 * A real MariaDB server (Debian's mariadb-server, installed by .ci/run) for the MySQL change view's tests: a fresh
 * data folder in /tmp, listening on a free loopback port and a socket there, with Fleet's table definitions
 * (test/fixtures/fleet-mysql/schema.sql) in database `fleet` and a SELECT-only user for the watcher. Start it once
 * per test file; `stop` ends the server by its pid and removes the folder.
 */
export interface MariaDb {
  port: number;
  socket: string;
  /** The watcher's URL: user fleet_ro (SELECT on fleet.* only) over TCP. */
  readerUrl: string;
  /** A root connection over the socket, standing in for Fleet's own writes. */
  root: mysql.Connection;
  stop(): Promise<void>;
}

const run = promisify(execFile);
const PATH = `${process.env.PATH ?? ''}:/usr/sbin:/usr/bin`;
/**
 * A throw-away server needs no durability: without fsync the install takes ~1.6 s instead of ~6 s on a loaded
 * 2-core machine (measured), and a small redo log keeps the data folder at ~20 MB instead of ~110 MB.
 */
const FAST = ['--skip-name-resolve', '--skip-log-bin', '--innodb-buffer-pool-size=16M', '--innodb-log-file-size=4M',
  '--innodb-flush-method=nosync', '--innodb-doublewrite=0', '--innodb-flush-log-at-trx-commit=0'];
export const READER = { user: 'fleet_ro', password: 'ro-secret' };


/** Resolves when the server logs that it is ready; rejects with its log if it exits first. */
function untilReady(child: ChildProcess): Promise<void> {
  let log = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      log += b.toString();
      if (log.includes('ready for connections')) {
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`mariadbd exited (${code}) before it was ready:\n${log.slice(-2000)}`)));
  });
}

export async function startMariaDb(): Promise<MariaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'enrollscope-mariadb-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'sock');
  // mariadbd refuses to run as root unless told to (measured in TOOLCHAIN.md).
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  const env = { ...process.env, PATH };
  await run('mariadbd', ['--version'], { env }).catch(() => {
    throw new Error('MariaDB is missing: apt-get install -y mariadb-server (.ci/run installs it)');
  });
  await run('mariadb-install-db', ['--no-defaults', ...asRoot, `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...FAST], { env });
  const port = await freePort();
  const child = spawn(
    'mariadbd',
    ['--no-defaults', ...asRoot, `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1', `--pid-file=${join(dir, 'pid')}`, ...FAST],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await untilReady(child);
    const root = await mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
    await root.query('CREATE DATABASE fleet CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    await root.query('USE fleet');
    await root.query(readFileSync(FLEET_MYSQL_SCHEMA, 'utf8'));
    // --skip-name-resolve: a TCP client from loopback is '127.0.0.1', not 'localhost'.
    await root.query(`CREATE USER '${READER.user}'@'127.0.0.1' IDENTIFIED BY '${READER.password}'; GRANT SELECT ON fleet.* TO '${READER.user}'@'127.0.0.1'`);
    return {
      port,
      socket,
      readerUrl: `mysql://${READER.user}:${READER.password}@127.0.0.1:${port}/fleet`,
      root,
      stop: async () => {
        await root.end().catch(() => {});
        await stop();
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
