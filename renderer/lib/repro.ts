import type { LabState, ScenarioInfo } from '../../app/contract';

/** Quote a shell word only when it needs it. */
function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The CLI line that reproduces the run on screen: its scenario, its seed, its Fleet profile, and every option that is
 * not the scenario's default (`enrollscope run` takes the same names, README "The CLI").
 */
export function reproCommand(lab: Pick<LabState, 'scenario' | 'seed' | 'options'> & Partial<Pick<LabState, 'fleet'>>, scenarios: readonly ScenarioInfo[]): string | null {
  if (!lab.scenario) return null;
  const info = scenarios.find((s) => s.name === lab.scenario);
  const parts = ['npm', 'run', '-s', 'enrollscope', '--', 'run', lab.scenario];
  if (lab.seed) parts.push('--seed', lab.seed);
  // The Fleet profile, when it is not the one `run` would pick anyway (the scenario's own, else the newest).
  if (lab.fleet && lab.fleet !== (info?.fleet ?? 'current')) parts.push('--fleet', lab.fleet);
  for (const o of info?.options ?? []) {
    const v = lab.options[o.name];
    if (v !== undefined && v !== o.default) parts.push('--set', `${o.name}=${String(v)}`);
  }
  return parts.map(sh).join(' ');
}
