import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { seededPorts } from '../../emulators/lab/seeded-ports.js';

const exec = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = join(process.cwd(), 'app', 'cli', 'bin.ts');
const dir = mkdtempSync(join(tmpdir(), 'es-determinism-'));

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(TSX, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

const file = (name: string) => join(dir, name);

describe('a seeded run is the same file in two processes', () => {
  beforeAll(async () => {
    // One after the other: each process takes the seed's ports, and the second finds them free again.
    for (const name of ['a', 'b']) expect((await cli('run', 'autopilot-eua', '--seed', 'det-1', '--bundle', file(`${name}.json`))).code).toBe(0);
    expect((await cli('run', 'autopilot-eua', '--seed', 'det-1', '--set', 'eua=false', '--bundle', file('other.json'))).code).toBe(1);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('two processes with the same scenario and seed write byte-identical bundles, snapshots included', () => {
    const a = readFileSync(file('a.json'));
    expect(a.equals(readFileSync(file('b.json')))).toBe(true);
    expect((JSON.parse(a.toString('utf8')) as { snapshots?: unknown }).snapshots).toBeDefined();
  });

  it("the bundle's servers are on the seed's ports and its creation time is the lab clock's", () => {
    const b = JSON.parse(readFileSync(file('a.json'), 'utf8')) as { createdAt: string; steps: { request?: { url: string }; durationMs: number }[] };
    const { mdm, entra } = seededPorts('det-1');
    const urls = b.steps.flatMap((s) => (s.request ? [s.request.url] : []));
    expect(urls.some((u) => u.startsWith(`http://127.0.0.1:${mdm}/`))).toBe(true);
    expect(urls.some((u) => u.startsWith(`http://127.0.0.1:${entra}/`))).toBe(true);
    expect(Date.parse(b.createdAt)).toBeLessThan(Date.parse('2026-02-01T00:00:00Z'));
    expect(b.steps.every((s) => s.durationMs === 0)).toBe(true);
  });

  it('compare and a plain byte comparison agree: the same seed matches; the same seed with another option differs in both', async () => {
    const same = await cli('compare', file('a.json'), file('b.json'));
    expect(same.code).toBe(0);
    const other = await cli('compare', file('a.json'), file('other.json'));
    expect(other.code).toBe(1);
    expect(readFileSync(file('a.json')).equals(readFileSync(file('other.json')))).toBe(false);
  });
});

describe("a seed whose ports are taken", () => {
  let blocker: Server;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen({ host: '127.0.0.1', port: seededPorts('det-busy').mdm }, r));
  });
  afterAll(() => new Promise<void>((r) => blocker.close(() => r())));

  it('still runs, on other ports, and says its bundle will not be byte-identical', async () => {
    const r = await cli('run', 'autopilot-eua', '--seed', 'det-busy');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: the ports of seed det-busy are in use');
  }, 60_000);
});
