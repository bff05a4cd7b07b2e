import type { Scenario } from './types.js';

/** Every named scenario, one file each (DESIGN.md "Scenarios"). */
const SCENARIOS: Scenario[] = [];

export function listScenarios(): readonly Scenario[] {
  return SCENARIOS;
}

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
