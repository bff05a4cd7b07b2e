import { describe, expect, it } from 'vitest';
import { runScenarios } from '../../app/host/headless.js';

describe('a whole scenario over TLS (run --tls)', () => {
  it('autopilot-eua passes with every party on HTTPS, the device and orbit trusting the lab CA', async () => {
    const report = await runScenarios(['autopilot-eua'], { seed: null, tls: true });
    const run = report.runs[0]!;
    expect(run.failures).toEqual([]);
    expect(run.passed).toBe(true);
    const http = run.bundle.steps.filter((s) => s.kind === 'http');
    expect(http.length).toBeGreaterThan(10);
    for (const s of http) expect(s.request!.url, s.title).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    // The DRS discovery a device reads names https endpoints, so what it joins at is HTTPS too.
    const discovery = http.find((s) => s.catalogId === 'drs.discover');
    expect(discovery?.response?.body).toContain('"JoinEndpoint":"https://127.0.0.1:');
  }, 60_000);
});
