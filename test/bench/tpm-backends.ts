/**
 * The TPM backends' cost (issue 17): a full unseeded autopilot-eua run's wall time on the in-process TPM and on
 * swtpm, and swtpm's own figures (process start + TPM2_Startup + the SRK's TPM2_CreatePrimary; one RSA-2048
 * TPM2_Create). Rows for test/bench/run.ts's table; a backend that is not installed is reported as such.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runScenarios } from '../../app/host/headless.js';
import { findSwtpm } from '../../emulators/device/tpm/swtpm.js';
import { SwtpmTpm } from '../../emulators/device/tpm/swtpm-tpm.js';
import { Lab } from '../../emulators/lab/lab.js';

const ms = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]!.toFixed(0)} ms, min ${s[0]!.toFixed(0)}, max ${s[s.length - 1]!.toFixed(0)} (n=${s.length})`;
};

async function swtpmParts(): Promise<{ start: number; create: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-swtpm-'));
  const lab = new Lab({ dataDir: dir });
  try {
    let t0 = performance.now();
    const tpm = await SwtpmTpm.start(lab);
    await tpm.createKey('device'); // the SRK's CreatePrimary, then the first Create
    const start = performance.now() - t0;
    t0 = performance.now();
    await tpm.createKey('transport');
    const create = performance.now() - t0;
    await tpm.stop();
    return { start, create };
  } finally {
    lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function tpmBackendsBench(runs = 3): Promise<[string, string][]> {
  const rows: [string, string][] = [];
  for (const tpm of ['soft', 'swtpm'] as const) {
    if (tpm === 'swtpm' && !findSwtpm()) {
      rows.push(['autopilot-eua unseeded, --tpm swtpm', 'swtpm is not installed']);
      continue;
    }
    const times: number[] = [];
    let passed = true;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = await runScenarios(['autopilot-eua'], { seed: null, tpm });
      times.push(performance.now() - t0);
      passed &&= r.failed === 0;
    }
    rows.push([`autopilot-eua unseeded, --tpm ${tpm}`, `${ms(times)}${passed ? '' : ' (a run FAILED)'}`]);
  }
  if (findSwtpm()) {
    const parts: { start: number; create: number }[] = [];
    for (let i = 0; i < runs; i++) parts.push(await swtpmParts());
    rows.push(['swtpm start + Startup + SRK + first RSA-2048 Create', ms(parts.map((p) => p.start))]);
    rows.push(['swtpm TPM2_Create RSA-2048 (one more key)', ms(parts.map((p) => p.create))]);
  }
  return rows;
}
