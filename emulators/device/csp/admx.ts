import type { Db } from '../../lab/store.js';
import { STATUS } from '../../protocols/syncml.js';
import { attr, child, childElements, parseXmlDocument, type XmlEl } from '../../protocols/xml.js';
import { deleteRegistryValue, writeRegistryValue, type RegistryType } from '../registry.js';
import { normalizePath } from './paths.js';

/**
 * ADMX ingestion in the Policy CSP (Win32 and Desktop Bridge app ADMX policy ingestion,
 * learn.microsoft.com/windows/client-management/win32-and-centennial-app-policy-configuration): an Add on
 * `Policy/ConfigOperations/ADMXInstall/{AppName}/{Policy|Preference}/{FileUid}` ingests an ADMX file, whose policies
 * then exist as `Policy/Config/{AppName}~{SettingType}~{Category}/{PolicyName}`; setting one writes the registry
 * values its elements name. Ingested policies may not target Microsoft's own keys (System, Software\Microsoft,
 * Software\Policies\Microsoft).
 */
export const ADMX_SCHEMA = `
CREATE TABLE IF NOT EXISTS admx_policies (
  area TEXT NOT NULL,                   -- {AppName}~{SettingType}~{Category}
  policy TEXT NOT NULL,
  class TEXT NOT NULL,                  -- Machine | User | Both
  key TEXT NOT NULL,                    -- the registry key under HKLM
  elements TEXT NOT NULL,               -- JSON: [{ id, kind, valueName }]
  file TEXT NOT NULL,                   -- the ADMXInstall node that declared it
  PRIMARY KEY (area, policy)
);
`;

const INSTALL_RE = /^\.\/Device\/Vendor\/MSFT\/Policy\/ConfigOperations\/ADMXInstall\/([^/]+)\/(Policy|Preference)\/([^/]+)$/;
/** Third-party (ingested) areas carry `~`; Windows' own Policy CSP areas (Update, Browser…) do not. */
const POLICY_RE = /^\.\/Device\/Vendor\/MSFT\/Policy\/Config\/([^/]*~[^/]*)\/([^/]+)$/;
const DENIED_KEYS = [/^system(\\|$)/i, /^software\\microsoft(\\|$)/i, /^software\\policies\\microsoft(\\|$)/i];

interface AdmxElement {
  id: string;
  kind: 'text' | 'decimal';
  valueName: string;
}

export function isAdmxInstall(locUri: string): boolean {
  return INSTALL_RE.test(normalizePath(locUri));
}

/** The ingested policy a Policy/Config LocURI names (area, policy), or null for a Windows-native policy. */
export function admxPolicyOf(locUri: string): { area: string; policy: string } | null {
  const m = POLICY_RE.exec(normalizePath(locUri));
  return m ? { area: m[1]!, policy: m[2]! } : null;
}

function parse(xml: string): XmlEl | null {
  try {
    return parseXmlDocument(xml, (m) => new Error(m)).documentElement;
  } catch {
    return null;
  }
}

/**
 * Ingest the ADMX an ADMXInstall Add carries, before the node is written: the status Windows answers (UNCONFIRMED:
 * 400 for a file that is not ADMX, 500 for a denied key; Microsoft documents the refusal, not its code).
 */
export function ingestAdmx(db: Db, locUri: string, admx: string | undefined): string {
  const m = INSTALL_RE.exec(normalizePath(locUri));
  if (!m) return STATUS.notFound;
  const root = admx ? parse(admx) : null;
  if (!root || root.localName !== 'policyDefinitions') return STATUS.badRequest;
  const [, app, settingType] = m;
  const rows: { area: string; policy: string; cls: string; key: string; elements: AdmxElement[] }[] = [];
  for (const p of childElements(child(root, 'policies'), 'policy')) {
    const key = attr(p, 'key');
    if (DENIED_KEYS.some((re) => re.test(key))) return STATUS.commandFailed;
    const category = attr(child(p, 'parentCategory'), 'ref').replace(/^[^:]*:/, '');
    const elements: AdmxElement[] = [];
    for (const e of childElements(child(p, 'elements'))) {
      if (e.localName === 'text' || e.localName === 'decimal') elements.push({ id: attr(e, 'id'), kind: e.localName, valueName: attr(e, 'valueName') });
    }
    rows.push({ area: `${app}~${settingType}~${category}`, policy: attr(p, 'name'), cls: attr(p, 'class') || 'Machine', key, elements });
  }
  const ins = db.prepare(
    `INSERT INTO admx_policies(area, policy, class, key, elements, file) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(area, policy) DO UPDATE SET class = excluded.class, key = excluded.key, elements = excluded.elements, file = excluded.file`,
  );
  for (const r of rows) ins.run(r.area, r.policy, r.cls, r.key, JSON.stringify(r.elements), normalizePath(locUri));
  return STATUS.ok;
}

/** Whether the ADMX that declares this policy was ingested (a Replace before that is a node Windows does not have). */
export function admxPolicyKnown(db: Db, area: string, policy: string): boolean {
  return db.prepare(`SELECT 1 FROM admx_policies WHERE area = ? AND policy = ?`).get(area, policy) !== undefined;
}

/**
 * Set an ingested policy: `<enabled/>` with `<data id value/>` writes each element's registry value (REG_SZ for
 * text, REG_DWORD for decimal); `<disabled/>` removes them. Returns the status.
 */
export function applyAdmxPolicy(db: Db, area: string, policy: string, data: string | undefined): string {
  const row = db.prepare(`SELECT key, elements FROM admx_policies WHERE area = ? AND policy = ?`).get(area, policy) as { key: string; elements: string } | undefined;
  if (!row) return STATUS.notFound;
  const body = parse(`<r>${data ?? ''}</r>`);
  if (!body) return STATUS.badRequest;
  const elements = JSON.parse(row.elements) as AdmxElement[];
  if (child(body, 'disabled')) {
    for (const e of elements) deleteRegistryValue(db, row.key, e.valueName);
    return STATUS.ok;
  }
  if (!child(body, 'enabled')) return STATUS.badRequest;
  for (const d of childElements(body, 'data')) {
    const e = elements.find((x) => x.id === attr(d, 'id'));
    if (!e) return STATUS.badRequest;
    const type: RegistryType = e.kind === 'decimal' ? 'REG_DWORD' : 'REG_SZ';
    writeRegistryValue(db, row.key, e.valueName, type, attr(d, 'value'));
  }
  return STATUS.ok;
}
