import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseAst } from 'vite';
import { CSP as HOST_CSP } from '../../../app/api/server.js';

/**
 * The Electron security checklist (https://www.electronjs.org/docs/latest/tutorial/security) read off the BUILT
 * shell, as `npm start` builds it (tsc -p tsconfig.main.json). The emitted CommonJS is parsed for its settings with
 * the ESTree parser vite ships (rolldown's oxc; TypeScript 7's package has no stable JS parser API), then run
 * against a stand-in `electron` module for what its guards do (the Electron binary cannot run here).
 */
const run = promisify(execFile);
let indexJs = '';
let preloadJs = '';

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'enrollscope-main-'));
  await run(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.main.json', '--outDir', out]);
  indexJs = readFileSync(join(out, 'main', 'index.cjs'), 'utf8');
  preloadJs = readFileSync(join(out, 'main', 'preload.cjs'), 'utf8');
}, 30_000);

// ---- the emitted JS, parsed ----

/** An ESTree node, as much of it as these checks read. */
interface Node {
  type: string;
  start: number;
  end: number;
  [field: string]: unknown;
}

interface Parsed {
  root: Node;
  text: (n: Node) => string;
  parent: Map<Node, Node>;
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && typeof (v as Node).type === 'string';

function parse(code: string): Parsed {
  const root = parseAst(code, { sourceType: 'script' }) as unknown as Node;
  const parent = new Map<Node, Node>();
  const link = (n: Node) => {
    for (const v of Object.values(n)) for (const c of Array.isArray(v) ? v : [v]) if (isNode(c)) (parent.set(c, n), link(c));
  };
  link(root);
  return { root, text: (n) => code.slice(n.start, n.end), parent };
}

function all(node: Node, pick: (n: Node) => boolean): Node[] {
  const found: Node[] = [];
  const walk = (n: Node) => {
    if (pick(n)) found.push(n);
    for (const v of Object.values(n)) for (const c of Array.isArray(v) ? v : [v]) if (isNode(c)) walk(c);
  };
  walk(node);
  return found;
}

const args = (call: Node) => call.arguments as Node[];

/** Calls of `<anything>.<name>(...)`, e.g. `contents.on(...)`, `electron_1.shell.openExternal(...)`. */
function callsOf(root: Node, name: string): Node[] {
  return all(root, (n) => {
    const callee = n.callee as Node | undefined;
    return n.type === 'CallExpression' && callee?.type === 'MemberExpression' && (callee.property as Node).name === name;
  });
}

const isFunction = (n: Node | undefined): n is Node => !!n && (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression');

/** `contents.on('<event>', handler)`: the handler. */
function handlersOf(root: Node, event: string): Node[] {
  return callsOf(root, 'on')
    .filter((c) => args(c)[0]?.type === 'Literal' && args(c)[0]!.value === event)
    .map((c) => args(c)[1])
    .filter(isFunction);
}

function literalValue(p: Parsed, e: Node): unknown {
  return e.type === 'Literal' ? e.value : `<${p.text(e)}>`;
}

function objectEntries(p: Parsed, o: Node): Record<string, unknown> {
  return Object.fromEntries(
    (o.properties as Node[]).map((prop) => (prop.type === 'Property' && !prop.computed ? [p.text(prop.key as Node), literalValue(p, prop.value as Node)] : [`<${p.text(prop)}>`, true])),
  );
}

function webPreferencesOfEveryWindow(): Record<string, unknown>[] {
  const p = parse(indexJs);
  const windows = all(p.root, (n) => n.type === 'NewExpression' && p.text(n.callee as Node).endsWith('BrowserWindow'));
  return windows.map((w) => {
    const opts = args(w)[0];
    if (opts?.type !== 'ObjectExpression') return { '<options>': opts ? p.text(opts) : 'none' };
    const prefs = (opts.properties as Node[]).find((prop) => prop.type === 'Property' && p.text(prop.key as Node) === 'webPreferences');
    const value = prefs?.value as Node | undefined;
    return value?.type === 'ObjectExpression' ? objectEntries(p, value) : { '<webPreferences>': value ? p.text(value) : 'none' };
  });
}

const mentions = (node: Node, name: string) => all(node, (n) => n.type === 'Identifier' && n.name === name).length;

describe('the built Electron shell, as parsed', () => {
  it('opens one window, with context isolation, the sandbox, no Node integration anywhere and the web-security defaults kept', () => {
    const prefs = webPreferencesOfEveryWindow();
    expect(prefs).toHaveLength(1);
    expect(prefs[0]).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    expect(Object.keys(prefs[0]!)).not.toContain('enableBlinkFeatures');
    expect(prefs[0]!.preload).toMatch(/join\)?\(__dirname, ['"]preload\.cjs['"]\)/);
  });

  it('sandboxes every renderer (app.enableSandbox)', () => {
    expect(callsOf(parse(indexJs).root, 'enableSandbox')).toHaveLength(1);
  });

  it('guards navigation, redirects and <webview>: each handler can prevent the default', () => {
    const { root } = parse(indexJs);
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const handlers = handlersOf(root, event);
      expect(handlers, event).toHaveLength(1);
      expect(callsOf(handlers[0]!, 'preventDefault'), event).not.toHaveLength(0);
    }
  });

  it('denies every new window: each return of the window-open handler is { action: \'deny\' }', () => {
    const p = parse(indexJs);
    const [call, ...more] = callsOf(p.root, 'setWindowOpenHandler');
    expect(call).toBeDefined();
    expect(more).toHaveLength(0);
    const handler = args(call!)[0]!;
    expect(isFunction(handler)).toBe(true);
    const returned = handler.expression ? [handler.body as Node] : all(handler, (n) => n.type === 'ReturnStatement').map((r) => r.argument as Node | null);
    expect(returned.length).toBeGreaterThan(0);
    for (const r of returned) expect(r?.type === 'ObjectExpression' ? objectEntries(p, r) : String(r && p.text(r))).toEqual({ action: 'deny' });
  });

  it('calls shell.openExternal only inside a check that the URL\'s protocol is https:', () => {
    const p = parse(indexJs);
    const opens = callsOf(p.root, 'openExternal');
    expect(opens.length).toBeGreaterThan(0);
    for (const call of opens) {
      let guarded = false;
      for (let n: Node = call, up = p.parent.get(n); up; n = up, up = p.parent.get(n)) {
        if (up.type === 'IfStatement' && n === up.consequent && /\.protocol === ['"]https:['"]/.test(p.text(up.test as Node))) guarded = true;
      }
      expect(guarded, p.text(call)).toBe(true);
    }
  });

  it('sets a Content-Security-Policy on the responses it loads, the same string the host sends', () => {
    const p = parse(indexJs);
    expect(callsOf(p.root, 'onHeadersReceived')).toHaveLength(1);
    const csp = all(p.root, (n) => n.type === 'VariableDeclarator' && (n.id as Node).name === 'CSP')[0]?.init as Node | undefined;
    expect(csp && literalValue(p, csp)).toBe(HOST_CSP);
  });

  it('refuses every permission request', () => {
    const { root } = parse(indexJs);
    expect(callsOf(root, 'setPermissionRequestHandler')).toHaveLength(1);
    expect(callsOf(root, 'setPermissionCheckHandler')).toHaveLength(1);
  });

  it('checks the sender frame in every ipcMain handler (there are none today: the UI talks HTTP)', () => {
    const p = parse(indexJs);
    const handlers = ['handle', 'handleOnce', 'on', 'once']
      .flatMap((m) => callsOf(p.root, m))
      .filter((c) => /\bipcMain$/.test(p.text((c.callee as Node).object as Node)));
    for (const h of handlers) expect(mentions(args(h)[1] ?? h, 'senderFrame'), p.text(h)).toBeGreaterThan(0);
    // ipcMain used in no other way (handed to a helper, a generic router) that this check could not see into.
    expect(mentions(p.root, 'ipcMain')).toBe(handlers.length);
  });

  it('the preload exposes one fixed object of named members, and no ipcRenderer', () => {
    const p = parse(preloadJs);
    expect(mentions(p.root, 'ipcRenderer')).toBe(0);
    const exposes = callsOf(p.root, 'exposeInMainWorld');
    expect(exposes).toHaveLength(1);
    const api = args(exposes[0]!)[1]!;
    expect(api.type).toBe('ObjectExpression');
    for (const prop of api.properties as Node[]) {
      expect(prop.type === 'Property' && !prop.computed && (prop.key as Node).type === 'Identifier', `a named member, not ${p.text(prop)}`).toBe(true);
    }
  });
});

// ---- the emitted JS, run against a stand-in electron ----

type Fn = (...args: never[]) => unknown;

interface Shell {
  exited: number | null;
  opened: string[];
  windows: { options: unknown; loaded: string[] }[];
  appOn: Map<string, Fn>;
  headers: Fn | null;
  permission: Fn | null;
  permissionCheck: Fn | null;
}

/** Run the built index.cjs with ENROLLSCOPE_URL = `url`; resolves once its whenReady work has run. */
async function start(url: string | undefined): Promise<Shell> {
  const s: Shell = { exited: null, opened: [], windows: [], appOn: new Map(), headers: null, permission: null, permissionCheck: null };
  const ready = Promise.resolve();
  class BrowserWindow {
    private readonly w: Shell['windows'][number];
    constructor(options: unknown) {
      this.w = { options, loaded: [] };
      s.windows.push(this.w);
    }
    loadURL(u: string) {
      this.w.loaded.push(u);
      return Promise.resolve();
    }
  }
  const electron = {
    app: {
      on: (name: string, fn: Fn) => s.appOn.set(name, fn),
      exit: (code: number) => (s.exited = code),
      enableSandbox: () => undefined,
      whenReady: () => ready,
      quit: () => undefined,
    },
    BrowserWindow,
    shell: { openExternal: (u: string) => (s.opened.push(u), Promise.resolve()) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: Fn) => (s.permission = fn),
        setPermissionCheckHandler: (fn: Fn) => (s.permissionCheck = fn),
        webRequest: { onHeadersReceived: (fn: Fn) => (s.headers = fn) },
      },
    },
  };
  const fakeRequire = (id: string) => (id === 'electron' ? electron : id === 'node:path' ? { join: (...p: string[]) => p.join('/') } : (() => { throw new Error(`unexpected require ${id}`); })());
  const fakeProcess = { env: url === undefined ? {} : { ENROLLSCOPE_URL: url }, stderr: { write: () => true } };
  const module = { exports: {} };
  try {
    new Function('require', 'process', 'exports', 'module', '__dirname', '__filename', indexJs)(fakeRequire, fakeProcess, module.exports, module, '/app/dist/main/main', '/app/dist/main/main/index.cjs');
  } catch {
    // A refused URL exits (app.exit) before anything else runs; the stand-in app.exit returns instead.
    return s;
  }
  await ready;
  return s;
}

/** A webContents for the web-contents-created hook: what it registers, and a navigation event to prevent. */
function contentsOf(s: Shell) {
  const on = new Map<string, Fn>();
  let openHandler: Fn | null = null;
  const contents = { on: (name: string, fn: Fn) => on.set(name, fn), setWindowOpenHandler: (fn: Fn) => (openHandler = fn) };
  (s.appOn.get('web-contents-created') as unknown as (e: unknown, c: unknown) => void)({}, contents);
  const prevented = (event: string, url: string) => {
    let p = false;
    (on.get(event) as unknown as (e: { preventDefault(): void }, u: string) => void)({ preventDefault: () => (p = true) }, url);
    return p;
  };
  const open = (url: string) => (openHandler as unknown as (d: { url: string }) => unknown)({ url });
  return { prevented, open };
}

const HOST = 'http://127.0.0.1:4321/?token=abc';

describe('the built Electron shell, run', () => {
  it('loads the host\'s loopback URL, in a window with the locked-down preferences', async () => {
    const s = await start(HOST);
    expect(s.exited).toBeNull();
    expect(s.windows).toHaveLength(1);
    expect(s.windows[0]!.loaded).toEqual([HOST]);
    expect(s.windows[0]!.options).toMatchObject({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, preload: '/app/dist/main/main/preload.cjs' } });
  });

  it.each([[undefined], ['http://evil.example/'], ['http://0.0.0.0:4321/'], ['file:///etc/passwd']])('exits (2) for ENROLLSCOPE_URL %s, which is not a loopback UI URL', async (url) => {
    expect((await start(url)).exited).toBe(2);
  });

  it('lets the window move between the host\'s pages and prevents navigating or redirecting anywhere else', async () => {
    const { prevented } = contentsOf(await start(HOST));
    for (const event of ['will-navigate', 'will-redirect']) {
      expect(prevented(event, 'http://127.0.0.1:4321/#/runs'), event).toBe(false);
      expect(prevented(event, 'http://evil.example/'), event).toBe(true);
      expect(prevented(event, 'http://127.0.0.1:9999/'), event).toBe(true);
      expect(prevented(event, 'file:///etc/passwd'), event).toBe(true);
      expect(prevented(event, 'not a url'), event).toBe(true);
    }
    expect(prevented('will-attach-webview', 'http://127.0.0.1:4321/')).toBe(true);
  });

  it('denies every new window and opens only https links, in the browser', async () => {
    const s = await start(HOST);
    const { open } = contentsOf(s);
    for (const url of ['https://learn.microsoft.com/en-us/windows/client-management/mdm/', 'http://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'not a url']) {
      expect(open(url), url).toEqual({ action: 'deny' });
    }
    expect(s.opened).toEqual(['https://learn.microsoft.com/en-us/windows/client-management/mdm/']);
  });

  it('puts its CSP on every response, in place of the one the response carried', async () => {
    const s = await start(HOST);
    let out: { responseHeaders?: Record<string, string[]> } = {};
    (s.headers as unknown as (d: unknown, cb: (r: typeof out) => void) => void)(
      { url: 'http://127.0.0.1:4321/', responseHeaders: { 'content-type': ['text/html'], 'content-security-policy': ["default-src *"] } },
      (r) => (out = r),
    );
    expect(out.responseHeaders).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [HOST_CSP] });
  });

  it('refuses every permission request and check', async () => {
    const s = await start(HOST);
    let granted: boolean | undefined;
    (s.permission as unknown as (wc: unknown, p: string, cb: (ok: boolean) => void) => void)({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    expect((s.permissionCheck as unknown as () => boolean)()).toBe(false);
  });
});
