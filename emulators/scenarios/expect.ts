import { fleetClient, NeedsEmbeddedMdmError, type World } from './world.js';
import type { Expectation } from './types.js';
import { embeddedRowSource, fleetApiRowSource, loadFleetApiView, matchRows, mysqlRowSource, type RowSource } from './rows.js';

export interface ExpectationOutcome {
  name: string;
  passed: boolean;
  detail: string;
  /** The step that decides the verdict (the prompt that made one too many, the write of the row), or null. */
  stepIndex: number | null;
  /** Why no source of the run could check it (then `passed` is false, and it counts as neither passed nor failed). */
  skipped?: string;
}

/** Whether the outcomes let a run pass: every one passed or was skipped. */
export function allHeld(outcomes: readonly { passed: boolean; skipped?: string | undefined }[]): boolean {
  return outcomes.every((e) => e.passed || e.skipped !== undefined);
}

/**
 * The MDM rows the run can read: the embedded store; against an external Fleet its MySQL when the run watches it
 * (--mdm-mysql: every table and column, and the steps' changes), else Fleet's host API (fetched now).
 */
export async function rowSourceFor(world: World): Promise<RowSource> {
  if (world.mdmTarget.embedded) return embeddedRowSource(world.lab);
  const watched = world.lab.watchers.find((w) => w.party === 'mdm' && w.rows)?.rows;
  if (watched) {
    await watched.refresh();
    return mysqlRowSource(watched);
  }
  return fleetApiRowSource(await loadFleetApiView(fleetClient(world)));
}

/** Check each expectation against the world as the run left it, reading the MDM's rows through the run's source. */
export async function evaluateRun(expectations: Expectation[], world: World): Promise<ExpectationOutcome[]> {
  return evaluate(expectations, world, await rowSourceFor(world));
}

function describeWhere(where: Record<string, unknown>): string {
  return Object.entries(where).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
}

const skip = (name: string, reason: string): ExpectationOutcome => ({ name, passed: false, detail: `skipped: ${reason}`, stepIndex: null, skipped: reason });

/**
 * Check each expectation against the world as the run left it. The run's own parties' rows and steps are always
 * there; the MDM's rows come from `rows` (default: the embedded store), and its changes only from a source with a
 * change log.
 */
export function evaluate(expectations: Expectation[], world: World, rows: RowSource = embeddedRowSource(world.lab)): ExpectationOutcome[] {
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
        const name = `${e.party}.${e.table} ${e.present ? 'has' : 'has no'} row with ${describeWhere(e.where)}`;
        let answer;
        if (e.party === 'mdm') answer = rows.mdmRows(e.table, e.where);
        else {
          // The run's own parties (device, orbit, Entra) keep their stores in this lab, whatever the MDM target.
          const own = world.lab.store(e.party)?.dump()[e.table] ?? [];
          answer = { matched: matchRows(own, e.where), total: own.length, via: `${own.length} row(s) in ${e.table}` };
        }
        if ('skip' in answer) return skip(name, answer.skip);
        const matches = (r: Record<string, unknown> | null) => matchRows([r], e.where) === 1;
        // The last step that wrote such a row (or, for a row that must not be there, that wrote it anyway).
        const writer = [...steps].reverse().find((s) => s.changes.some((c) => c.party === e.party && c.table === e.table && (matches(c.after) || matches(c.before))));
        return {
          stepIndex: writer?.index ?? null,
          name,
          passed: answer.matched > 0 === e.present,
          detail: `${answer.via}${e.party === 'mdm' && !rows.changes ? ` (${rows.name})` : ''}${e.why ? `: ${e.why}` : ''}`,
        };
      }
      case 'change': {
        if (e.party === 'mdm' && !rows.changes) {
          return skip(`a step ${e.op}s ${e.party}.${e.table}${e.column ? `.${e.column}` : ''}`, `the MDM's change log per step is not in ${rows.name} (needs the embedded MDM store or --mdm-mysql)`);
        }
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
        if (e.needs === 'embedded-mdm' && !world.mdmTarget.embedded) return skip(e.name, 'it reads the embedded MDM server\'s store');
        try {
          const r = e.check(world);
          return { name: e.name, stepIndex: null, ...r };
        } catch (err) {
          // A check that reaches for the MDM server's internals on an external target (world.mdm, embeddedMdm()).
          if (err instanceof NeedsEmbeddedMdmError) return skip(e.name, err.message);
          throw err;
        }
      }
    }
  });
}
