import { app, BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';

/**
 * The thin Electron shell: the host (emulators, DB, UI API) runs as a plain Node process that started us with
 * ENROLLSCOPE_URL; this window only loads that loopback URL, locked down per the Electron security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security; the numbers below are its sections).
 */
const target = process.env.ENROLLSCOPE_URL;
if (!target || !/^http:\/\/127\.0\.0\.1:\d+\//.test(target)) {
  process.stderr.write('ENROLLSCOPE_URL must be the host\'s loopback UI URL\n');
  app.exit(2);
}
const origin = new URL(target!).origin;

/** §7: the host's own CSP (app/api/server.ts sends the same string; a test holds the two equal), enforced here again. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function isHostPage(url: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/** §15: only https links leave the app, and only to the user's browser. */
function openOutside(url: string): void {
  try {
    const u = new URL(url);
    if (u.protocol === 'https:') void shell.openExternal(u.href);
  } catch {
    /* not a URL: nothing to open */
  }
}

// §4: every renderer sandboxed, whatever a window asks for.
app.enableSandbox();

app.on('web-contents-created', (_e, contents) => {
  // §13: the window stays on the host's pages.
  contents.on('will-navigate', (event, url) => {
    if (!isHostPage(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isHostPage(url)) event.preventDefault();
  });
  // §12: no <webview>.
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // §14: no new windows; an https link opens in the browser instead.
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
});

void app.whenReady().then(() => {
  const ses = session.defaultSession;
  // §5: no permission (camera, notifications, ...) is ever granted.
  ses.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, cb) => {
    const headers = Object.fromEntries(Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'));
    cb({ responseHeaders: { ...headers, 'Content-Security-Policy': [CSP] } });
  });
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Enrollscope',
    webPreferences: {
      // §3, §4, §2: the page gets no Node and no Electron, only the preload's named members.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      // §6, §8, §9, §12
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      preload: join(__dirname, 'preload.cjs'),
    },
  });
  void win.loadURL(target!);
});

app.on('window-all-closed', () => app.quit());
