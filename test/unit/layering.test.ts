import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering rule as a closed world (STYLE.md "Layers as a closed world", after VS Code's code-import-patterns):
 * every source file belongs to one layer, and a layer imports only the layers below it. Parties talk over HTTP, so
 * no party imports another; the renderer sees the host only through the contract and the step catalog.
 */

const PARTIES = ['device', 'entra', 'mdm', 'orbit'] as const;

interface Layer {
  name: string;
  /** Does this file belong to the layer (a path relative to the repository, with forward slashes)? */
  owns: (file: string) => boolean;
  /** May a file of this layer import `target`? */
  mayImport: (target: string, file: string) => boolean;
}

const under = (dir: string) => (f: string) => f.startsWith(`${dir}/`);
const protocols = under('emulators/protocols');
const lab = under('emulators/lab');
const partyOf = (f: string) => PARTIES.find((p) => f.startsWith(`emulators/${p}/`));

const LAYERS: Layer[] = [
  // Shared codecs and protocol facts: nothing but themselves; the catalog (steps.ts) imports nothing at all.
  { name: 'emulators/protocols', owns: protocols, mayImport: (t, f) => !f.endsWith('/steps.ts') && protocols(t) },
  // The engine: the wire model, recorder, gate, snapshots. It carries messages; it knows no party.
  { name: 'emulators/lab', owns: lab, mayImport: (t) => lab(t) || protocols(t) },
  // A party: itself, the lab and the shared codecs; never another party (they only talk over HTTP).
  { name: 'a party (emulators/device|entra|mdm|orbit)', owns: (f) => partyOf(f) !== undefined, mayImport: (t, f) => partyOf(t) === partyOf(f) || lab(t) || protocols(t) },
  // Scenarios compose a world of parties and script the user.
  { name: 'emulators/scenarios', owns: under('emulators/scenarios'), mayImport: (t) => t.startsWith('emulators/') },
  // The host: composition root, UI API, CLI. It may use the engine, never the UI or the Electron shell.
  { name: 'app', owns: under('app'), mayImport: (t) => t.startsWith('app/') || t.startsWith('emulators/') },
  // The UI: its own files, the typed contract and the step catalog only.
  { name: 'renderer', owns: under('renderer'), mayImport: (t) => t.startsWith('renderer/') || t === 'app/contract.ts' || t === 'emulators/protocols/steps.ts' },
  // The Electron shell imports nothing of ours: it starts the host as a child process.
  { name: 'main', owns: under('main'), mayImport: (t) => t.startsWith('main/') },
  // The load engine: many devices of the scenarios' stories against one world (emulators/load).
  { name: 'emulators/load', owns: under('emulators/load'), mayImport: (t) => t.startsWith('emulators/') },
];

const SOURCE_ROOTS = ['app', 'emulators', 'renderer', 'main'];
const SOURCE = /\.(ts|tsx|cts|mts)$/;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(p.split('\\').join('/'));
  }
  return out;
}

/** Relative imports of a file (`import … from`, `export … from`, `import('…')`), resolved to repository paths. */
function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs = [...src.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  return specs
    .filter((s) => s.startsWith('.'))
    .map((s) => normalize(join(dirname(file), s)).split('\\').join('/').replace(/\.(c|m)?js$/, '.$1ts'))
    .map((t) => (SOURCE.test(t) ? t : `${t}.ts`))
    .map((t) => relative('.', t).split('\\').join('/'));
}

const files = SOURCE_ROOTS.flatMap((d) => walk(d));

describe('layering', () => {
  it('puts every source file in exactly one layer', () => {
    const orphans = files.filter((f) => LAYERS.filter((l) => l.owns(f)).length !== 1);
    expect(orphans).toEqual([]);
  });

  it.each(LAYERS.map((l) => l.name))('%s imports only the layers it may', (name) => {
    const layer = LAYERS.find((l) => l.name === name)!;
    const bad = files
      .filter((f) => layer.owns(f))
      .flatMap((f) => importsOf(f).filter((t) => !layer.mayImport(t, f)).map((t) => `${f} → ${t}`));
    expect(bad).toEqual([]);
  });

  it('keeps the step catalog free of imports, so the renderer can load it', () => {
    expect(readFileSync('emulators/protocols/steps.ts', 'utf8')).not.toMatch(/^\s*import\b/m);
  });

  it('sees an import that breaks the rule (the check itself works)', () => {
    const party = LAYERS[2]!;
    expect(party.mayImport('emulators/mdm/server.ts', 'emulators/device/index.ts')).toBe(false);
    expect(LAYERS[5]!.mayImport('emulators/lab/lab.ts', 'renderer/main.tsx')).toBe(false);
    expect(importsOf('emulators/lab/recorder.ts')).toContain('emulators/lab/protocol-facts.ts');
  });
});
