import { describe, it, expect, afterAll } from 'vitest';
import { tempLab } from '../../../../helpers/lab.js';
import { createEntraContext } from '../../../../../emulators/entra/context.js';
import { ENTRA_SCHEMA } from '../../../../../emulators/entra/schema.js';
import { ensureKdcKey, loadKdcKey } from '../../../../../emulators/entra/keys.js';
import { configureOnPremRealm, wantsTgt } from '../../../../../emulators/entra/prt/tgt.js';

const t = tempLab({ seed: 'tgt-unit' });
afterAll(() => t.dispose());
const ctx = createEntraContext(t.lab, t.lab.openStore('entra', ENTRA_SCHEMA));

describe('the tgt form field (MS-OAPXBC PRT request)', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['1', false],
    ['', false],
    [undefined, false],
  ])('tgt=%s asks for TGTs: %s', (v, want) => expect(wantsTgt({ tgt: v })).toBe(want));
});

describe('KDC keys and the on-premises realm option', () => {
  it('ensureKdcKey makes a realm key once and then returns the stored one', () => {
    const a = ensureKdcKey(ctx, 'KERBEROS.MICROSOFTONLINE.COM', 'cloud');
    const b = ensureKdcKey(ctx, 'KERBEROS.MICROSOFTONLINE.COM', 'cloud');
    expect(a.key).toHaveLength(32);
    expect(b.key.equals(a.key)).toBe(true);
    expect(a).toMatchObject({ kvno: 1, etype: 18 });
  });

  it('configureOnPremRealm upper-cases the realm, replaces an earlier one, and null removes it', () => {
    configureOnPremRealm(ctx, 'corp.example.test');
    expect(loadKdcKey(ctx, 'onprem')?.realm).toBe('CORP.EXAMPLE.TEST');
    const first = loadKdcKey(ctx, 'onprem')!.key;
    configureOnPremRealm(ctx, 'AD.EXAMPLE.TEST');
    expect(loadKdcKey(ctx, 'onprem')?.realm).toBe('AD.EXAMPLE.TEST');
    expect(loadKdcKey(ctx, 'onprem')!.key.equals(first)).toBe(false);
    configureOnPremRealm(ctx, null);
    expect(loadKdcKey(ctx, 'onprem')).toBeUndefined();
    expect(loadKdcKey(ctx, 'cloud')).toBeDefined();
  });

  it.each([['nodots'], ['KERBEROS.MICROSOFTONLINE.COM'], ['bad realm.com']])('refuses %s as an on-premises realm', (r) => {
    expect(() => configureOnPremRealm(ctx, r)).toThrow(RangeError);
  });
});
