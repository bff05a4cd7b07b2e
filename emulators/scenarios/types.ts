import type { World } from './world.js';
import type { PartyId } from '../lab/step.js';
import type { FleetProfileName } from '../mdm/profiles/profiles.js';

export type OptionValue = string | boolean;
export type ScenarioOptions = Record<string, OptionValue>;

export interface ScenarioOption {
  name: string;
  label: string;
  kind: 'boolean' | 'select' | 'text';
  choices?: string[];
  default: OptionValue;
}

/**
 * What an expectation reads: the run's own timeline (`steps`: prompts, statuses, tokens; always there), a party's DB
 * rows now (`rows`: the run's own parties always; the MDM's through the run's RowSource, rows.ts), or the MDM's change
 * log per step (`changes`: the embedded store, or --mdm-mysql; not Fleet's API).
 */
export type ExpectationNeeds = 'steps' | 'rows' | 'changes';

/** What a scenario says must hold at the end of its run; the CLI passes or fails on these. */
export type Expectation =
  | { kind: 'prompts'; equals: number; why?: string }
  /** A row in a party's DB now, matching every given column (needs `rows`). */
  | { kind: 'row'; party: PartyId; table: string; where: Record<string, unknown>; present: boolean; why?: string }
  /** Some step of the run wrote such a change (needs `changes`). */
  | { kind: 'change'; party: PartyId; table: string; op: 'insert' | 'update' | 'delete'; column?: string; why?: string }
  /** Some step whose request path contains `path` answered with this HTTP status. */
  | { kind: 'status'; path: string; status: number; why?: string }
  /**
   * A check of its own. One that reads the embedded MDM server's store says `needs: 'embedded-mdm'` (or reaches it
   * through embeddedMdm(), which throws NeedsEmbeddedMdmError): it is skipped, with the reason, on an external target.
   */
  | { kind: 'check'; name: string; needs?: 'embedded-mdm'; check: (world: World) => { passed: boolean; detail: string } };

/**
 * What a scenario needs of the MDM party beyond Fleet's REST API: `lab-api`, the lab's own switches (/lab/v1/mdm: a
 * Fleet build's behaviour, server config, the EUA-token mint), served by the embedded server and `serve` but no real
 * Fleet; `embedded`, the in-process server itself (its store, its clock, its Fleet profile). Absent: Fleet's API only,
 * so the scenario runs against every Fleet (run --mdm-url).
 */
export interface MdmNeed {
  needs: 'lab-api' | 'embedded';
  why: string;
}

export interface Scenario<Outcome = unknown> {
  name: string;
  title: string;
  description: string;
  options: ScenarioOption[];
  /** The Fleet profile the scenario tells its story under when the run names none (e.g. a bug an older Fleet had). */
  fleet?: FleetProfileName;
  /** What the scenario needs of the MDM party beyond Fleet's API, for these options (absent or undefined: Fleet's API only). */
  mdm?: MdmNeed | ((options: ScenarioOptions) => MdmNeed | undefined);
  run(world: World, options: ScenarioOptions): Promise<Outcome>;
  expect(outcome: Outcome, options: ScenarioOptions): Expectation[];
}

/** A scenario's MDM need for these options. */
export function mdmNeedOf(s: Pick<Scenario, 'mdm'>, options: ScenarioOptions): MdmNeed | undefined {
  return typeof s.mdm === 'function' ? s.mdm(options) : s.mdm;
}

/**
 * Why a scenario cannot run against this MDM target, in one line, or null when it can: an external target has no
 * embedded internals, and a real Fleet (labApi false) no lab switches.
 */
export function ineligibleFor(s: Pick<Scenario, 'name' | 'mdm'>, options: ScenarioOptions, target: { embedded: boolean; labApi: boolean }): string | null {
  const need = mdmNeedOf(s, options);
  if (!need || target.embedded) return null;
  if (need.needs === 'embedded') return `${s.name} needs the embedded MDM server: ${need.why}`;
  if (!target.labApi) return `${s.name} needs the lab's own MDM API (/lab/v1/mdm), which this Fleet does not serve: ${need.why}`;
  return null;
}
