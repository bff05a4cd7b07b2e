import type { OptionValue, Scenario, ScenarioOption, ScenarioOptions } from './types.js';

/** A `--set name=value` (or a UI option) the scenarios do not take: a usage error that lists what they do take. */
export class OptionError extends Error {
  override name = 'OptionError';
}

function describeOption(o: ScenarioOption): string {
  if (o.kind === 'boolean') return `${o.name}=true|false`;
  if (o.kind === 'select') return `${o.name}=${(o.choices ?? []).join('|')}`;
  return `${o.name}=<text>`;
}

/** Every option the scenarios take, once each, as `name=value|value` for an error message. */
export function optionHelp(scenarios: readonly Scenario[]): string {
  const seen = new Map<string, ScenarioOption>();
  for (const s of scenarios) for (const o of s.options) if (!seen.has(o.name)) seen.set(o.name, o);
  return seen.size ? [...seen.values()].map(describeOption).join(', ') : '(none)';
}

function typed(o: ScenarioOption, raw: string): OptionValue {
  if (o.kind === 'boolean') {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw new OptionError(`--set ${o.name}=${raw}: ${o.name} is true or false`);
  }
  if (o.kind === 'select' && !(o.choices ?? []).includes(raw)) throw new OptionError(`--set ${o.name}=${raw}: ${o.name} is one of ${(o.choices ?? []).join(', ')}`);
  return raw;
}

/**
 * Parse `--set name=value` pairs for the scenarios about to run. A name none of them takes, a value of the wrong
 * kind or outside an option's choices is an OptionError (a typo must never run with the default silently). Each
 * scenario then gets the values of the options it has.
 */
export function parseOptionSets(sets: readonly string[], scenarios: readonly Scenario[]): Map<string, ScenarioOptions> {
  const raw = new Map<string, string>();
  for (const s of sets) {
    const i = s.indexOf('=');
    if (i <= 0) throw new OptionError(`--set wants name=value, got "${s}"; options: ${optionHelp(scenarios)}`);
    raw.set(s.slice(0, i), s.slice(i + 1));
  }
  for (const name of raw.keys()) {
    if (!scenarios.some((sc) => sc.options.some((o) => o.name === name))) throw new OptionError(`--set ${name}: no such option; options: ${optionHelp(scenarios)}`);
  }
  const out = new Map<string, ScenarioOptions>();
  for (const sc of scenarios) {
    const values: ScenarioOptions = {};
    for (const o of sc.options) {
      const v = raw.get(o.name);
      if (v !== undefined) values[o.name] = typed(o, v);
    }
    out.set(sc.name, values);
  }
  return out;
}
