import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { mkdirSync, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * swtpm (libtpms, the TPM 2.0 reference implementation) as a process of the run: `swtpm socket --tpm2` on two
 * loopback ports, the TPM command interface on one and swtpm's control channel on the other, its NVRAM in a folder
 * of the run's data folder (swtpm(8), swtpm-ioctls(4)). This is how QEMU/libvirt give a Windows 11 VM its TPM.
 */

/** The `swtpm` binary on PATH, or null. */
export function findSwtpm(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, 'swtpm');
    if (dir && existsSync(p)) return p;
  }
  return null;
}

/** swtpm's control commands (swtpm-ioctls(4), sent big-endian over the ctrl socket). */
const CMD_INIT = 0x02;
const CMD_SHUTDOWN = 0x03;

export interface SwtpmProcess {
  readonly stateDir: string;
  readonly port: number;
  readonly ctrlPort: number;
  /** Send one TPM command, get its response (commands are queued one at a time, as a TPM runs them). */
  transmit(command: Buffer): Promise<Buffer>;
  /** CMD_INIT on the control channel: a TPM reset (power cycle); the next command must be TPM2_Startup. */
  reset(): Promise<void>;
  /** CMD_SHUTDOWN on the control channel, then wait for the process to end. */
  stop(): Promise<void>;
  readonly running: boolean;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function connectWhenUp(port: number, child: ChildProcess, timeoutMs: number): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`swtpm exited with code ${child.exitCode} before listening`));
      const sock = connect({ host: '127.0.0.1', port });
      sock.once('connect', () => resolve(sock));
      sock.once('error', () => {
        sock.destroy();
        // swtpm listens a few ms after it starts: retry the connection until the deadline.
        if (Date.now() > deadline) reject(new Error(`swtpm did not listen on 127.0.0.1:${port}`));
        else setTimeout(attempt, 10);
      });
    };
    attempt();
  });
}

/** Reads framed replies off a socket: a TPM response carries its size at bytes 2..6 (Part 1 §18). */
class Framer {
  private buf = Buffer.alloc(0);
  private waiting: ((b: Buffer) => void) | null = null;
  constructor(private readonly fixed: number | null) {}
  push(chunk: Buffer) {
    this.buf = Buffer.concat([this.buf, chunk]);
    this.flush();
  }
  next(): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.flush();
    });
  }
  private flush() {
    if (!this.waiting) return;
    const need = this.fixed ?? (this.buf.length >= 6 ? this.buf.readUInt32BE(2) : Infinity);
    if (this.buf.length < need) return;
    const out = this.buf.subarray(0, need);
    this.buf = this.buf.subarray(need);
    const w = this.waiting;
    this.waiting = null;
    w(Buffer.from(out));
  }
}

export async function startSwtpm(opts: { stateDir: string; binary?: string; timeoutMs?: number }): Promise<SwtpmProcess> {
  const binary = opts.binary ?? findSwtpm();
  if (!binary) throw new Error('swtpm is not installed (apt-get install swtpm swtpm-tools)');
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
  const port = await freePort();
  let ctrlPort = await freePort();
  while (ctrlPort === port) ctrlPort = await freePort();
  // not-need-init: the TPM is powered on; the device sends TPM2_Startup itself (so it is on the timeline).
  const child = spawn(binary, [
    'socket', '--tpm2',
    '--server', `type=tcp,port=${port},bindaddr=127.0.0.1`,
    '--ctrl', `type=tcp,port=${ctrlPort},bindaddr=127.0.0.1`,
    '--tpmstate', `dir=${opts.stateDir}`,
    '--flags', 'not-need-init',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => void (stderr += d.toString()));
  // A Node process that ends without closing its lab must not leave swtpm behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    process.removeListener('exit', killOnExit);
    resolve();
  }));
  let sock: Socket;
  try {
    sock = await connectWhenUp(port, child, opts.timeoutMs ?? 5000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}${stderr ? `: ${stderr.trim()}` : ''}`);
  }
  sock.setNoDelay(true);
  const framer = new Framer(null);
  sock.on('data', (d: Buffer) => framer.push(d));
  sock.on('error', () => undefined);
  let queue: Promise<unknown> = Promise.resolve();
  let running = true;

  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = queue.then(fn, fn);
    queue = p.catch(() => undefined);
    return p;
  };

  const ctrl = async (cmd: number, arg?: number): Promise<number> => {
    const c = await connectWhenUp(ctrlPort, child, 2000);
    const fr = new Framer(4);
    c.on('data', (d: Buffer) => fr.push(d));
    const msg = Buffer.alloc(arg === undefined ? 4 : 8);
    msg.writeUInt32BE(cmd);
    if (arg !== undefined) msg.writeUInt32BE(arg, 4);
    c.write(msg);
    const res = await fr.next();
    c.destroy();
    return res.readUInt32BE(0);
  };

  return {
    stateDir: opts.stateDir,
    port,
    ctrlPort,
    get running() {
      return running;
    },
    transmit: (command) =>
      serial(async () => {
        if (!running) throw new Error('swtpm is stopped');
        const reply = framer.next();
        sock.write(command);
        return reply;
      }),
    reset: () =>
      serial(async () => {
        const rc = await ctrl(CMD_INIT, 0);
        if (rc !== 0) throw new Error(`swtpm CMD_INIT failed: 0x${rc.toString(16)}`);
      }),
    stop: () =>
      serial(async () => {
        if (!running) return;
        running = false;
        sock.destroy();
        try {
          await ctrl(CMD_SHUTDOWN);
        } catch {
          child.kill('SIGTERM');
        }
        await exited;
      }),
  };
}

/** The swtpm version line (for the run's first step), or null. */
export function swtpmVersion(binary: string | null = findSwtpm()): string | null {
  if (!binary) return null;
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 3000 });
  return r.status === 0 ? r.stdout.trim().split('\n')[0] ?? null : null;
}
