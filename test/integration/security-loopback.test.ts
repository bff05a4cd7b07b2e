import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { uiHost } from '../helpers/ui-host.js';
import { startWorld, type World } from '../../emulators/scenarios/world.js';
import { startLabPhone, type LabPhone } from '../../app/api/lab-phone.js';
import { defaultKeyCacheDir } from '../../app/host/session.js';

/**
 * Every server the lab starts listens on 127.0.0.1 only: read from the kernel's socket tables (/proc/net/tcp and
 * tcp6, proc(5)) for the sockets the process really holds, so a server added later, or one started with the
 * wildcard address, is caught too, not only the URLs the code reports.
 */
const procOk = existsSync('/proc/self/fd') && existsSync('/proc/net/tcp');

interface Listening {
  address: string;
  port: number;
}

/** proc(5): IPv4 is one little-endian 32-bit word; IPv6 four of them. */
function hexAddress(hex: string): string {
  const words = hex.match(/.{8}/g)!.map((w) => Buffer.from(w, 'hex').reverse());
  if (words.length === 1) return [...words[0]!].join('.');
  const bytes = Buffer.concat(words);
  const groups = Array.from({ length: 8 }, (_v, i) => bytes.readUInt16BE(i * 2).toString(16));
  return groups.join(':').replace(/\b(?:0:){2,}/, ':').replace(/^0::/, '::').replace(/^(?:0:)+0$/, '::');
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

/** The TCP sockets in LISTEN state (st 0A) held by any of `pids`. */
function listeningOf(pids: number[]): Listening[] {
  const mine = new Set(pids.flatMap((p) => [...socketInodes(p)]));
  const out: Listening[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A' || !mine.has(f[9]!)) continue;
      const [addr, port] = f[1]!.split(':');
      out.push({ address: hexAddress(addr!), port: parseInt(port!, 16) });
    }
  }
  return out;
}

const portOf = (url: string) => Number(new URL(url).port);

describe.skipIf(!procOk)('every server listens on 127.0.0.1 only', () => {
  describe('the UI host (ui, npm start): the UI API, the MDM server and the Entra emulator', () => {
    const host = uiHost({ seed: 'security-loopback' });

    it('holds a listening socket for each, all of them on 127.0.0.1', () => {
      const sockets = listeningOf([process.pid]);
      const want = [host.ui.url, host.session.current.mdm.url, host.session.current.entra.url].map(portOf);
      expect(sockets.map((s) => s.port)).toEqual(expect.arrayContaining(want));
      expect(sockets.filter((s) => s.address !== '127.0.0.1')).toEqual([]);
    });
  });

  describe('serve\'s parties (startWorld, startLabPhone, as app/cli/serve.ts starts them): the MDM server, the Entra emulator, the lab phone', () => {
    let world: World;
    let phone: LabPhone;
    const dir = mkdtempSync(join(tmpdir(), 'enrollscope-sec-serve-'));

    beforeAll(async () => {
      world = await startWorld({ dataDir: dir, seed: 'security-loopback', keyCacheDir: defaultKeyCacheDir() });
      phone = await startLabPhone({ world });
    });

    afterAll(async () => {
      await phone.close();
      await world.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('holds a listening socket for each, all of them on 127.0.0.1', () => {
      const sockets = listeningOf([process.pid]);
      expect(sockets.map((s) => s.port)).toEqual(expect.arrayContaining([world.mdm.url, world.entra.url, phone.url].map(portOf)));
      expect(sockets.filter((s) => s.address !== '127.0.0.1')).toEqual([]);
    });

    it("the lab phone refuses a page of another origin even with its token, and answers a client that sends none", async () => {
      const auth = { authorization: `Bearer ${phone.token}` };
      const foreign = await fetch(`${phone.url}/api/entra/pending`, { headers: { ...auth, origin: 'https://evil.example' } });
      expect([foreign.status, await foreign.json()]).toEqual([403, { error: 'request from another origin refused' }]);
      expect((await fetch(`${phone.url}/api/entra/pending`, { headers: auth })).status).toBe(200);
    });

    it('the lab phone cuts slow clients off as the parties do (headers 10 s, the whole request 30 s)', () => {
      expect([phone.app.server.headersTimeout, phone.app.server.requestTimeout]).toEqual([10_000, 30_000]);
    });
  });

  it('reads the kernel\'s tables right: a wildcard listener shows as 0.0.0.0 (the check can fail)', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    try {
      const port = (server.address() as { port: number }).port;
      expect(listeningOf([process.pid])).toContainEqual({ address: '0.0.0.0', port });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
