import type { World } from './world.js';
import type { Expectation } from './types.js';

export interface ExpectationOutcome {
  name: string;
  passed: boolean;
  detail: string;
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
        return { name: `the user is prompted ${e.equals} time(s)`, passed: n === e.equals, detail: `prompted ${n} time(s)${e.why ? `: ${e.why}` : ''}` };
      }
      case 'row': {
        const store = world.lab.store(e.party);
        const rows = store ? (store.dump()[e.table] ?? []) : [];
        const hit = rows.some((r) => Object.entries(e.where).every(([k, v]) => r[k] === v));
        return {
          name: `${e.party}.${e.table} ${e.present ? 'has' : 'has no'} row with ${describeWhere(e.where)}`,
          passed: hit === e.present,
          detail: `${rows.length} row(s) in ${e.table}${e.why ? `: ${e.why}` : ''}`,
        };
      }
      case 'change': {
        const hit = steps.some((s) =>
          s.changes.some(
            (c) =>
              c.party === e.party && c.table === e.table && c.op === e.op &&
              (!e.column || (c.op === 'update' ? c.before?.[e.column] !== c.after?.[e.column] : true)),
          ),
        );
        return { name: `a step ${e.op}s ${e.party}.${e.table}${e.column ? `.${e.column}` : ''}`, passed: hit, detail: hit ? 'seen in the run' : 'no such change in the run' };
      }
      case 'status': {
        const seen = steps.filter((s) => s.request?.url.includes(e.path)).map((s) => s.response?.status ?? 0);
        return { name: `${e.path} answers ${e.status}`, passed: seen.includes(e.status), detail: `statuses seen: ${seen.join(', ') || 'none'}` };
      }
      case 'check': {
        const r = e.check(world);
        return { name: e.name, ...r };
      }
    }
  });
}
