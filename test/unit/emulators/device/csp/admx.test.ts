import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempLab } from '../../../../helpers/lab.js';
import type { Store } from '../../../../../emulators/lab/store.js';
import { DEVICE_SCHEMA } from '../../../../../emulators/device/schema.js';
import { admxPolicyKnown, admxPolicyOf, applyAdmxPolicy, ingestAdmx, isAdmxInstall } from '../../../../../emulators/device/csp/admx.js';
import { readRegistryValue } from '../../../../../emulators/device/registry.js';

const INSTALL = './Device/Vendor/MSFT/Policy/ConfigOperations/ADMXInstall/Contoso/Policy/ContosoAdmx';
const POLICY = './Device/Vendor/MSFT/Policy/Config/Contoso~Policy~contoso/Token';
const admx = (key: string) => `<policyDefinitions revision="1.0" schemaVersion="1.0">
  <categories><category name="contoso" displayName="Contoso"/></categories>
  <policies>
    <policy name="Token" class="Machine" displayName="Token" key="${key}">
      <parentCategory ref="contoso"/>
      <elements><text id="Token_Value" valueName="Token"/><decimal id="Level_Value" valueName="Level"/></elements>
    </policy>
  </policies>
</policyDefinitions>`;

let store: Store;
let dispose: () => void;
beforeEach(() => {
  const t = tempLab();
  dispose = t.dispose;
  store = t.lab.openStore('device', DEVICE_SCHEMA);
});
afterEach(() => dispose());

describe('ADMX ingestion in the Policy CSP', () => {
  it('names the ingested area {AppName}~{SettingType}~{Category} and leaves Windows-native areas alone', () => {
    expect(isAdmxInstall(INSTALL)).toBe(true);
    expect(admxPolicyOf(POLICY)).toEqual({ area: 'Contoso~Policy~contoso', policy: 'Token' });
    expect(admxPolicyOf('./Device/Vendor/MSFT/Policy/Config/Update/AllowAutoUpdate')).toBeNull();
  });

  it('an ingested policy set to enabled writes REG_SZ for text and REG_DWORD for decimal under HKLM', () => {
    store.tx((db) => expect(ingestAdmx(db, INSTALL, admx('SOFTWARE\\Contoso\\Agent'))).toBe('200'));
    store.tx((db) => expect(applyAdmxPolicy(db, 'Contoso~Policy~contoso', 'Token', '<enabled/><data id="Token_Value" value=" t0k "/><data id="Level_Value" value="3"/>')).toBe('200'));
    const rows = store.read((db) => db.prepare(`SELECT key, name, type, data FROM registry_values ORDER BY name`).all());
    expect(rows).toEqual([
      { key: 'SOFTWARE\\Contoso\\Agent', name: 'Level', type: 'REG_DWORD', data: '3' },
      { key: 'SOFTWARE\\Contoso\\Agent', name: 'Token', type: 'REG_SZ', data: ' t0k ' },
    ]);
    // Registry names compare case-insensitively.
    expect(store.read((db) => readRegistryValue(db, 'software\\contoso\\AGENT', 'token'))).toBe(' t0k ');
  });

  it('disabled removes the values the policy wrote', () => {
    store.tx((db) => ingestAdmx(db, INSTALL, admx('SOFTWARE\\Contoso\\Agent')));
    store.tx((db) => applyAdmxPolicy(db, 'Contoso~Policy~contoso', 'Token', '<enabled/><data id="Token_Value" value="x"/>'));
    store.tx((db) => expect(applyAdmxPolicy(db, 'Contoso~Policy~contoso', 'Token', '<disabled/>')).toBe('200'));
    expect(store.read((db) => db.prepare(`SELECT COUNT(*) FROM registry_values`).pluck().get())).toBe(0);
  });

  it("a policy whose ADMX was never ingested is not found (404) and writes nothing", () => {
    store.tx((db) => expect(applyAdmxPolicy(db, 'Contoso~Policy~contoso', 'Token', '<enabled/><data id="Token_Value" value="x"/>')).toBe('404'));
    expect(store.read((db) => admxPolicyKnown(db, 'Contoso~Policy~contoso', 'Token'))).toBe(false);
    expect(store.read((db) => db.prepare(`SELECT COUNT(*) FROM registry_values`).pluck().get())).toBe(0);
  });

  it("refuses an ADMX that targets Microsoft's own keys, and a file that is not ADMX", () => {
    for (const key of ['System\\CurrentControlSet', 'Software\\Microsoft\\Windows', 'SOFTWARE\\Policies\\Microsoft\\Edge']) {
      store.tx((db) => expect(ingestAdmx(db, INSTALL, admx(key))).toBe('500'));
    }
    store.tx((db) => expect(ingestAdmx(db, INSTALL, '<notAdmx/>')).toBe('400'));
    store.tx((db) => expect(ingestAdmx(db, INSTALL, '<policyDefinitions')).toBe('400'));
    expect(store.read((db) => db.prepare(`SELECT COUNT(*) FROM admx_policies`).pluck().get())).toBe(0);
  });

  it('an element id the ADMX does not declare, or neither enabled nor disabled, is a bad request', () => {
    store.tx((db) => ingestAdmx(db, INSTALL, admx('SOFTWARE\\Contoso\\Agent')));
    store.tx((db) => expect(applyAdmxPolicy(db, 'Contoso~Policy~contoso', 'Token', '<enabled/><data id="Nope" value="x"/>')).toBe('400'));
    store.tx((db) => expect(applyAdmxPolicy(db, 'Contoso~Policy~contoso', 'Token', '<data id="Token_Value" value="x"/>')).toBe('400'));
  });
});
