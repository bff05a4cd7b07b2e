import { useState } from 'react';
import type { Breakpoint, PartyIdT, StepKindId } from '../../../app/contract';
import { PHASES, STEP_KIND_IDS, stepKind } from '../../../emulators/protocols/steps';
import { useLab } from '../../store';
import { clearBreakpoints, setBreakpoints } from '../../store/actions';
import { LANE_ORDER, PARTY_LABEL } from '../../lib/parties';

type Kind = 'catalogId' | 'path' | 'party' | 'soapAction' | 'syncmlCommand' | 'tokenClaim';
const KINDS: ReadonlyArray<[Kind, string, string]> = [
  ['catalogId', 'Step kind', ''],
  ['path', 'Path', '/api/fleet/orbit/enroll'],
  ['party', 'Party', ''],
  ['soapAction', 'SOAP action', 'RST/wstep'],
  ['syncmlCommand', 'SyncML command', 'Exec'],
  ['tokenClaim', 'Token claim', 'upn or name=value'],
];

const NO_BREAKPOINTS: Breakpoint[] = [];

/** Catalog entries that can be held (requests and local operations), grouped by phase for the picker. */
const STEP_CHOICES = STEP_KIND_IDS.filter((id) => id !== 'http.other').map((id) => stepKind(id));

export function describeBreakpoint(bp: Breakpoint): string {
  if (bp.catalogId) return `step ${stepKind(bp.catalogId).title}`;
  if (bp.party) return `party ${bp.party}`;
  if (bp.path) return `path ${bp.path}`;
  if (bp.soapAction) return `SOAP ${bp.soapAction}`;
  if (bp.syncmlCommand) return `SyncML ${bp.syncmlCommand}`;
  if (bp.tokenClaim) return `claim ${bp.tokenClaim}`;
  return bp.id;
}

/** Breakpoints by step kind (the catalog), party, path, SOAP action, SyncML command or token claim; Run and Reset keep them, Clear removes them. */
export function Breakpoints() {
  const bps = useLab((s) => s.lab?.breakpoints) ?? NO_BREAKPOINTS;
  const [kind, setKind] = useState<Kind>('path');
  const [value, setValue] = useState('');
  const [party, setParty] = useState<PartyIdT>('orbit');
  const [catalogId, setCatalogId] = useState<StepKindId>('orbit.enroll');
  const add = () => {
    const v = kind === 'party' ? party : kind === 'catalogId' ? catalogId : value.trim();
    if (!v) return;
    const bp = { id: `bp-${Date.now().toString(36)}`, [kind]: v, enabled: true } as Breakpoint;
    void setBreakpoints([...bps, bp]);
    setValue('');
  };
  const active = bps.filter((b) => b.enabled !== false).length;
  return (
    <details className="breakpoints" data-popover>
      <summary>Breakpoints{bps.length ? ` (${active})` : ''}</summary>
      <div className="popover" role="group" aria-label="Breakpoints">
        <form
          className="bp-add"
          onSubmit={(e) => {
            e.preventDefault();
            add();
          }}
        >
          <select aria-label="Breakpoint kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map(([k, l]) => (
              <option key={k} value={k}>{l}</option>
            ))}
          </select>
          {kind === 'catalogId' ? (
            <select aria-label="Breakpoint step kind" value={catalogId} onChange={(e) => setCatalogId(e.target.value as StepKindId)}>
              {STEP_CHOICES.map((k) => (
                <option key={k.id} value={k.id}>{k.phase ? `${PHASES[k.phase]}: ` : ''}{k.title}</option>
              ))}
            </select>
          ) : kind === 'party' ? (
            <select aria-label="Breakpoint party" value={party} onChange={(e) => setParty(e.target.value as PartyIdT)}>
              {LANE_ORDER.map((p) => (
                <option key={p} value={p}>{PARTY_LABEL[p]}</option>
              ))}
            </select>
          ) : (
            <input aria-label="Breakpoint value" placeholder={KINDS.find(([k]) => k === kind)![2]} value={value} onChange={(e) => setValue(e.target.value)} />
          )}
          <button type="submit">Add breakpoint</button>
        </form>
        {bps.length === 0 ? (
          <p className="muted small">No breakpoints. A run stops before sending a matching request.</p>
        ) : (
          <ul className="bp-list">
            {bps.map((bp) => (
              <li key={bp.id}>
                <label>
                  <input type="checkbox" checked={bp.enabled !== false} onChange={(e) => void setBreakpoints(bps.map((b) => (b.id === bp.id ? { ...b, enabled: e.target.checked } : b)))} />
                  {describeBreakpoint(bp)}
                </label>
                <button aria-label={`Remove breakpoint ${describeBreakpoint(bp)}`} onClick={() => void setBreakpoints(bps.filter((b) => b.id !== bp.id))}>×</button>
              </li>
            ))}
          </ul>
        )}
        {bps.length > 0 && (
          <p className="bp-foot muted small">
            Run and Reset keep these. <button className="link-btn" onClick={() => void clearBreakpoints()} aria-label="Clear all breakpoints">Clear all</button>
          </p>
        )}
      </div>
    </details>
  );
}
