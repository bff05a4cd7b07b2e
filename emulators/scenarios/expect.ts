import type { World } from './world.js';
import type { Expectation } from './types.js';

export interface ExpectationOutcome {
  name: string;
  passed: boolean;
  detail: string;
  /** The step that decides the verdict (the prompt that made one too many, the write of the row), or null. */
  stepIndex: number | null;
}

function describeWhere(where: Record<string, unknown>): string {
  return Object.entries(where).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
}

/** Check each expectation against the world as the run left it. */
export function evaluate(expectations: Expectation[], world: World): ExpectationOutcome[] {
  const steps = world.lab.recorder.all();
  return expectations.map((e): ExpectationOutcome => {
    switch (e.kind) {
      case 'prompts': {
        const n = world.lab.promptCount;
        const prompts = steps.filter((s) => s.prompt);
        // Too many: the first prompt past the expected count; otherwise the last prompt there was.
        const deciding = n > e.equals ? prompts[e.equals] : prompts.at(-1);
        return { name: `the user is prompted ${e.equals} time(s)`, passed: n === e.equals, detail: `prompted ${n} time(s)${e.why ? `: ${e.why}` : ''}`, stepIndex: deciding?.index ?? null };
      }
      case 'row': {
        const store = world.lab.store(e.party);
        const rows = store ? (store.dump()[e.table] ?? []) : [];
        const matches = (r: Record<string, unknown> | null) => !!r && Object.entries(e.where).every(([k, v]) => r[k] === v);
        const hit = rows.some(matches);
        // The last step that wrote such a row (or, for a row that must not be there, that wrote it anyway).
        const writer = [...steps].reverse().find((s) => s.changes.some((c) => c.party === e.party && c.table === e.table && (matches(c.after) || matches(c.before))));
        return {
          stepIndex: writer?.index ?? null,
          name: `${e.party}.${e.table} ${e.present ? 'has' : 'has no'} row with ${describeWhere(e.where)}`,
          passed: hit === e.present,
          detail: `${rows.length} row(s) in ${e.table}${e.why ? `: ${e.why}` : ''}`,
        };
      }
      case 'change': {
        const step = steps.find((s) =>
          s.changes.some(
            (c) =>
              c.party === e.party && c.table === e.table && c.op === e.op &&
              (!e.column || (c.op === 'update' ? c.before?.[e.column] !== c.after?.[e.column] : true)),
          ),
        );
        const hit = step !== undefined;
        return { name: `a step ${e.op}s ${e.party}.${e.table}${e.column ? `.${e.column}` : ''}`, passed: hit, detail: hit ? `step ${step.index + 1}: ${step.title}` : 'no such change in the run', stepIndex: step?.index ?? null };
      }
      case 'status': {
        const on = steps.filter((s) => s.request?.url.includes(e.path));
        const seen = on.map((s) => s.response?.status ?? 0);
        const deciding = on.find((s) => s.response?.status === e.status) ?? on.at(-1);
        return { name: `${e.path} answers ${e.status}`, passed: seen.includes(e.status), detail: `statuses seen: ${seen.join(', ') || 'none'}`, stepIndex: deciding?.index ?? null };
      }
      case 'check': {
        const r = e.check(world);
        return { name: e.name, stepIndex: null, ...r };
      }
    }
  });
}
