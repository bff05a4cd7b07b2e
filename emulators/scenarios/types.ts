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

/** What a scenario says must hold at the end of its run; the CLI passes or fails on these. */
export type Expectation =
  | { kind: 'prompts'; equals: number; why?: string }
  /** A row in a party's DB now, matching every given column. */
  | { kind: 'row'; party: PartyId; table: string; where: Record<string, unknown>; present: boolean; why?: string }
  /** Some step of the run wrote such a change. */
  | { kind: 'change'; party: PartyId; table: string; op: 'insert' | 'update' | 'delete'; column?: string; why?: string }
  /** Some step whose request path contains `path` answered with this HTTP status. */
  | { kind: 'status'; path: string; status: number; why?: string }
  | { kind: 'check'; name: string; check: (world: World) => { passed: boolean; detail: string } };

export interface Scenario<Outcome = unknown> {
  name: string;
  title: string;
  description: string;
  options: ScenarioOption[];
  /** The Fleet profile the scenario tells its story under when the run names none (e.g. a bug an older Fleet had). */
  fleet?: FleetProfileName;
  run(world: World, options: ScenarioOptions): Promise<Outcome>;
  expect(outcome: Outcome, options: ScenarioOptions): Expectation[];
}
