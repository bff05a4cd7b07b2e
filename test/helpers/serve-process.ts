import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { ServeInfo } from '../../app/host/serve-info.js';

export const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
export const CLI = join(process.cwd(), 'app', 'cli', 'bin.ts');

export interface ServeProcess {
  child: ChildProcess;
  /** serve --json's one line. */
  info: ServeInfo;
  stop(): Promise<void>;
}

/** `enrollscope serve --json ARGS` in a process of its own, as a user starts it: resolves with its JSON line. */
export async function startServeProcess(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(TSX, [CLI, 'serve', '--json', ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const rl = createInterface({ input: child.stdout! });
  const info = await new Promise<ServeInfo>((resolve, reject) => {
    rl.once('line', (l) => resolve(JSON.parse(l) as ServeInfo));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return {
    child,
    info,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The CLI as a user runs it: its exit code and both streams. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
