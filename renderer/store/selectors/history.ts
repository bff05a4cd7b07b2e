import type { DbChange, PartyIdT, Step } from '../../../app/contract';
import { rowKey } from '../../lib/row-identity';

/** One write to a row: the step that made it and the change (before and after) as the change log recorded it. */
export interface RowWrite {
  step: Step;
  change: DbChange;
}

/**
 * A row's history: every step of the run that inserted, updated or deleted the row named by `party`, `table` and
 * `row`'s key columns (lib/row-identity.ts), in step order. A change counts when its before or after names the
 * row, so an update that changes a key column still joins the history of the row it started as.
 */
export function rowHistory(steps: readonly (Step | undefined)[], party: PartyIdT, table: string, row: Readonly<Record<string, unknown>>): RowWrite[] {
  const key = rowKey(party, table, row);
  const out: RowWrite[] = [];
  for (const step of steps) {
    if (!step) continue;
    for (const change of step.changes) {
      if (change.party !== party || change.table !== table) continue;
      const named = (change.before && rowKey(party, table, change.before) === key) || (change.after && rowKey(party, table, change.after) === key);
      if (named) out.push({ step, change });
    }
  }
  return out;
}

/** Where a token came from: the step that first carried it, and whether it came in that step's response (`issued`). */
export interface TokenOrigin {
  step: Step;
  where: string;
  issued: boolean;
}

/**
 * The step that issued a token: the first step, up to `upTo` (the step on screen), that carried the same raw token
 * (the recorder lists each token once per step, with where it found it: `response body`, `response header …`,
 * `request body`). When that first sight is in a response, that step issued it; otherwise it was built by the
 * client or came inside an encrypted reply, and the step is the one that first sent it. Null when no step up to
 * `upTo` holds it.
 */
export function tokenOrigin(steps: readonly (Step | undefined)[], raw: string, upTo: number): TokenOrigin | null {
  const last = Math.min(upTo, steps.length - 1);
  for (let i = 0; i <= last; i++) {
    const t = steps[i]?.tokens.find((x) => x.raw === raw);
    if (t) return { step: steps[i]!, where: t.where, issued: t.where.startsWith('response') };
  }
  return null;
}
