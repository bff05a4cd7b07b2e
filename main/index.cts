import { app, BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';

/**
 * The thin Electron shell: the host (emulators, DB, UI API) runs as a plain Node process that started us with
 * ENROLLSCOPE_URL; this window only loads that loopback URL, locked down per the Electron security checklist.
 */
const target = process.env.ENROLLSCOPE_URL;
if (!target || !/^http:\/\/127\.0\.0\.1:\d+\//.test(target)) {
  process.stderr.write('ENROLLSCOPE_URL must be the host\'s loopback UI URL\n');
  app.exit(2);
}
const origin = new URL(target!).origin;

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (new URL(url).origin !== origin) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Enrollscope',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: join(__dirname, 'preload.cjs'),
    },
  });
  void win.loadURL(target!);
});

app.on('window-all-closed', () => app.quit());
