import { attr, child, childElements, path, text } from '../../protocols/xml.js';
import { parseXml } from '../../protocols/soap.js';

/** An MsiInstallJob as the EnterpriseDesktopAppManagement CSP receives it in an Exec (entra-mde2.md §9). */
export interface MsiInstallJob {
  id: string;
  version: string;
  contentUrls: string[];
  fileHash: string;
  commandLine: string;
  timeOutMinutes: number;
  retryCount: number;
  retryIntervalMinutes: number;
}

/** Parse the job; Intune sends it XML-escaped inside <Data>, Fleet embeds it raw: both arrive here as markup. */
export function parseMsiInstallJob(xml: string): MsiInstallJob {
  const root = parseXml(xml.trim());
  if (root.localName !== 'MsiInstallJob') throw new Error(`expected <MsiInstallJob>, got <${root.localName}>`);
  const product = child(root, 'Product');
  const urls = childElements(path(product, 'Download', 'ContentURLList'), 'ContentURL').map((u) => text(u).trim()).filter(Boolean);
  const fileHash = text(path(product, 'Validation', 'FileHash')).trim();
  const enf = child(product, 'Enforcement');
  if (!product || urls.length === 0) throw new Error('MsiInstallJob has no Product/Download/ContentURLList/ContentURL');
  if (!/^[0-9A-Fa-f]{64}$/.test(fileHash)) throw new Error('MsiInstallJob Validation/FileHash is not a SHA-256 hex digest');
  const num = (name: string, dflt: number) => {
    const v = Number(text(child(enf, name)).trim());
    return Number.isFinite(v) && text(child(enf, name)).trim() !== '' ? v : dflt;
  };
  return {
    id: attr(root, 'id'),
    version: attr(product, 'Version'),
    contentUrls: urls,
    fileHash: fileHash.toUpperCase(),
    commandLine: text(child(enf, 'CommandLine')).trim(),
    timeOutMinutes: num('TimeOut', 0),
    retryCount: num('RetryCount', 0),
    retryIntervalMinutes: num('RetryInterval', 0),
  };
}

export interface MsiCommandLine {
  /** Switches in order (`/quiet`, `/qn`, `/norestart`). */
  switches: string[];
  /** PUBLIC properties: `NAME=value` or `NAME="value with spaces"` (msiexec command-line options). */
  properties: Record<string, string>;
}

/** Split an msiexec command line the way msiexec reads it: switches, then PROPERTY=value pairs with "" quoting. */
export function parseMsiCommandLine(line: string): MsiCommandLine {
  const switches: string[] = [];
  const properties: Record<string, string> = {};
  const re = /\s*(?:(\/[A-Za-z!+*-]+)|([A-Za-z_][A-Za-z0-9_.]*)=(?:"((?:[^"]|"")*)"|([^\s"]*)))(?=\s|$)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(line)) !== null) {
    last = re.lastIndex;
    if (m[1]) switches.push(m[1]);
    else if (m[2]) properties[m[2].toUpperCase()] = m[3] !== undefined ? m[3].replace(/""/g, '"') : (m[4] ?? '');
  }
  if (line.slice(last).trim() !== '') throw new Error(`msiexec cannot read the command line from: ${line.slice(last).trim().slice(0, 40)}`);
  return { switches, properties };
}
