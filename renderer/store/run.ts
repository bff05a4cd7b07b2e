import type { FleetProfileInfo, FleetProfileName, LabState, ScenarioInfo, TpmChoiceT } from '../../app/contract';
import type { Slice } from './types';

export const DEFAULT_SCENARIO = 'autopilot-eua';

/** The run: the host's LabState, the scenarios it offers and what the user picked before Run. */
export interface RunSlice {
  lab: LabState | null;
  scenarios: ScenarioInfo[];
  scenario: string;
  options: Record<string, string | boolean>;
  /** The seed the next Run pins the clock and ids with ('' for none: real time, random ids). */
  seed: string;
  /** The next Run's parties speak HTTPS on the lab CA (the host's tls/lab-ca.pem); false: plain HTTP. */
  tls: boolean;
  /** The Fleet profile the next Run's MDM server behaves as; null: the one the live run has (the host's choice). */
  fleet: FleetProfileName | null;
  /** The TPM the next Run's device gets; null: the one the host says (`lab.tpm.choice`: the run before's, at first `ui --tpm`). */
  tpm: TpmChoiceT | null;
  /** The Fleet profiles the host offers, with their switches. */
  fleetProfiles: FleetProfileInfo[];
  /** A control or run request failed: shown in the top bar until the next success. */
  apiError: string | null;
  /** A Run or Reset was asked for and has not answered: the lab is starting (the host says so too, a moment later). */
  starting: boolean;
  /**
   * Take a state from the host, unless it is older than the one shown (`seq`): a call's reply can arrive after a
   * newer state from the event stream, and the header must show the lab as it is.
   */
  setLab(state: LabState): void;
  setStarting(starting: boolean): void;
  setScenarios(list: ScenarioInfo[]): void;
  /** Pick a scenario: its options start from their defaults (picking the same one again keeps them). */
  chooseScenario(name: string): void;
  setOption(name: string, value: string | boolean): void;
  setSeed(seed: string): void;
  setTls(tls: boolean): void;
  setFleet(fleet: FleetProfileName): void;
  setTpm(tpm: TpmChoiceT): void;
  setFleetProfiles(list: FleetProfileInfo[]): void;
  setApiError(e: string | null): void;
}

function defaultsOf(s: ScenarioInfo | undefined): Record<string, string | boolean> {
  return Object.fromEntries((s?.options ?? []).map((o) => [o.name, o.default]));
}

export const createRunSlice: Slice<RunSlice> = (set, get) => ({
  lab: null,
  scenarios: [],
  scenario: DEFAULT_SCENARIO,
  options: {},
  seed: '',
  tls: false,
  fleet: null,
  tpm: null,
  fleetProfiles: [],
  apiError: null,
  starting: false,
  setLab: (lab) => {
    const shown = get().lab;
    if (shown?.seq !== undefined && lab.seq !== undefined && lab.seq < shown.seq) return;
    set({ lab });
  },
  setStarting: (starting) => set({ starting }),
  setScenarios: (scenarios) => {
    const current = scenarios.find((s) => s.name === get().scenario) ?? scenarios.find((s) => s.name === DEFAULT_SCENARIO) ?? scenarios[0];
    set({ scenarios, scenario: current?.name ?? get().scenario, options: { ...defaultsOf(current), ...get().options } });
  },
  chooseScenario: (name) => {
    if (name === get().scenario) return;
    const info = get().scenarios.find((s) => s.name === name);
    // A scenario told under an older Fleet (its `fleet`) picks that profile; the user can still change it.
    set({ scenario: name, options: defaultsOf(info), ...(info?.fleet && { fleet: info.fleet }) });
  },
  setOption: (name, value) => set({ options: { ...get().options, [name]: value } }),
  setSeed: (seed) => set({ seed }),
  setTls: (tls) => set({ tls }),
  setFleet: (fleet) => set({ fleet }),
  setTpm: (tpm) => set({ tpm }),
  setFleetProfiles: (fleetProfiles) => set({ fleetProfiles }),
  setApiError: (apiError) => set({ apiError }),
});
