import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { Session } from '../host/session.js';
import { startUiServer } from '../api/server.js';
import { electronBinary } from '../host/electron-binary.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface UiOpts {
  port?: number;
  dataDir?: string;
  electron?: boolean;
}

/** The host: emulators + UI API + the built UI on loopback; an Electron window on top where its binary exists. */
export async function uiCommand(opts: UiOpts): Promise<void> {
  const session = await Session.start(opts.dataDir ? { dataDir: opts.dataDir } : {});
  const ui = await startUiServer({ session, staticDir: join(root, 'dist', 'renderer'), ...(opts.port !== undefined && { port: opts.port }) });
  const bin = opts.electron ? electronBinary(root) : null;
  process.stdout.write(`Enrollscope is running.\n  UI          ${ui.openUrl}\n  MDM server  ${session.current.mdm.url}\n`);
  let child: ReturnType<typeof spawn> | null = null;
  if (bin) {
    child = spawn(bin, [join(root, 'dist', 'main', 'main', 'index.js')], { stdio: 'inherit', env: { ...process.env, ENROLLSCOPE_URL: ui.openUrl } });
    child.on('exit', () => void stop());
  } else {
    process.stdout.write(`  (no Electron binary here: open the UI URL above in a browser)\nPress Ctrl+C to stop.\n`);
  }
  let stopping = false;
  async function stop() {
    if (stopping) return;
    stopping = true;
    child?.kill();
    await ui.close();
    await session.close();
    process.exit(0);
  }
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
