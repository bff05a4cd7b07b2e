import type { StepProtocol } from '../../app/contract';

/** The last segment of a WS-Addressing action, keeping WS-Trust's `RST/wstep` and `RSTRC/wstep` whole. */
export function shortAction(action: string): string {
  const m = /(RSTR?C?\/wstep)$/.exec(action);
  if (m) return m[1]!;
  return action.split('/').filter(Boolean).pop() ?? action;
}

/** The few words a list row shows for a step's request: its SOAP action, or its SyncML commands with counts. */
export function protocolSummary(p: StepProtocol): string | null {
  if (p.kind === 'soap') return p.action ? shortAction(p.action) : null;
  if (p.kind === 'syncml' && p.request) {
    const counts = new Map<string, number>();
    // A client's package answers first (its Statuses), then brings its own commands (MS-MDM 2.2).
    if (p.request.statuses.length) counts.set('Status', p.request.statuses.length);
    for (const c of p.request.commands) counts.set(c.verb, (counts.get(c.verb) ?? 0) + 1);
    return `SyncML ${[...counts].map(([c, n]) => (n > 1 ? `${c}×${n}` : c)).join(' ')}`.trim();
  }
  return null;
}
