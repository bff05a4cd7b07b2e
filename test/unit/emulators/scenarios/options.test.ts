import { describe, expect, it } from 'vitest';
import { OptionError, parseOptionSets } from '../../../../emulators/scenarios/options.js';
import { findScenario } from '../../../../emulators/scenarios/index.js';

const eua = findScenario('autopilot-eua')!;
const idp = findScenario('idp-account-exists')!;

describe('--set options', () => {
  it('types a boolean and a choice for each scenario that has the option', () => {
    const m = parseOptionSets(['eua=false', 'orbitVersion=1.50.0'], [eua, idp]);
    expect(m.get('autopilot-eua')).toEqual({ eua: false, orbitVersion: '1.50.0' });
    expect(m.get('idp-account-exists')).toEqual({ orbitVersion: '1.50.0' });
  });

  it('refuses a name no scenario takes, naming the valid ones', () => {
    expect(() => parseOptionSets(['euaa=false'], [eua])).toThrow(OptionError);
    expect(() => parseOptionSets(['euaa=false'], [eua])).toThrow(/no such option; options: eua=true\|false/);
  });

  it('refuses a boolean that is neither true nor false, and a value outside the choices', () => {
    expect(() => parseOptionSets(['eua=maybe'], [eua])).toThrow('--set eua=maybe: eua is true or false');
    expect(() => parseOptionSets(['signIn=sms'], [eua])).toThrow('signIn is one of password, device-code, mfa');
  });

  it('refuses a pair without a name', () => {
    expect(() => parseOptionSets(['=x'], [eua])).toThrow(/--set wants name=value/);
  });
});
