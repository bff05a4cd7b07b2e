import type { RunBundle, RunSummary } from '../contract.js';

/** Finished runs of this session, newest last (at most `limit`), so two of them can be compared. */
export class RunHistory {
  private readonly runs = new Map<string, RunBundle>();

  constructor(private readonly limit = 20) {}

  remember(runId: string, bundle: RunBundle): void {
    this.runs.set(runId, bundle);
    while (this.runs.size > this.limit) this.runs.delete(this.runs.keys().next().value!);
  }

  get(runId: string): RunBundle | undefined {
    return this.runs.get(runId);
  }

  list(): RunSummary[] {
    return [...this.runs].map(([runId, b]) => ({ runId, scenario: b.scenario, prompts: b.prompts, passed: b.passed, steps: b.steps.length, createdAt: b.createdAt, fleet: b.fleet ?? null }));
  }
}
