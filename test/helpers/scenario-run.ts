import { expect } from 'vitest';
import { runScenarios } from '../../app/host/headless.js';
import { StepSchema } from '../../emulators/lab/step.js';
import { isStepKindId, stepKind } from '../../emulators/protocols/steps.js';
import type { FleetProfileName } from '../../emulators/mdm/profiles/profiles.js';

/**
 * Run one scenario under one Fleet profile and check what every run must give: its own expectations hold, the bundle
 * names the profile, and every step has a catalog id inside the catalog (an HTTP step went to its entry's server).
 */
export async function expectScenarioHolds(name: string, fleet: FleetProfileName): Promise<void> {
  const report = await runScenarios([name], { seed: `scenario-${name}`, fleet });
  const run = report.runs[0]!;
  expect(run.failures).toEqual([]);
  expect(run.error).toBeNull();
  expect(run.passed).toBe(true);
  expect(run.bundle.fleet).toBe(fleet);
  const steps = run.bundle.steps;
  expect(steps.length).toBeGreaterThan(0);
  for (const step of steps) {
    expect(StepSchema.safeParse(step).success, `step ${step.index + 1} "${step.title}" is not a valid step`).toBe(true);
    expect(isStepKindId(step.catalogId), `step ${step.index + 1} "${step.title}" has no catalog id`).toBe(true);
    expect(step.catalogId, `step ${step.index + 1} "${step.title}" is not a protocol step of the catalog`).not.toBe('http.other');
    const http = stepKind(step.catalogId).http;
    if (step.kind === 'http' && http) expect(step.to).toBe(http.server);
  }
}
