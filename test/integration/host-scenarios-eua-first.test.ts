import { describe, it } from 'vitest';
import { listScenarios } from '../../emulators/scenarios/index.js';
import { expectScenarioHolds } from '../helpers/scenario-run.js';

// `run all` under the Fleet profile eua-first (current is in host-scenarios.test.ts; one file per profile, so they run side by side).
describe('under Fleet profile eua-first, every scenario passes its own expectations and every step is in the catalog', () => {
  it.each(listScenarios().map((s) => s.name))('%s', (name) => expectScenarioHolds(name, 'eua-first'));
});
