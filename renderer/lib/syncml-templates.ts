/**
 * Ready SyncML commands a trainer can queue for the run's device (MS-MDM 2.2.7; the CSPs the Windows device
 * emulator answers: DevDetail, DevInfo, DMClient). Each gets a fresh CmdID, which Fleet also uses as the
 * command's uuid, so its Results can be found in the session that carries them.
 */
export interface CommandTemplate {
  id: string;
  label: string;
  locUri: string;
  verb: 'Get' | 'Replace' | 'Exec';
}

export const COMMAND_TEMPLATES: readonly CommandTemplate[] = [
  { id: 'swv', label: 'Get ./DevDetail/SwV (OS version)', locUri: './DevDetail/SwV', verb: 'Get' },
  { id: 'mod', label: 'Get ./DevInfo/Mod (model)', locUri: './DevInfo/Mod', verb: 'Get' },
  { id: 'serial', label: 'Get ./DevDetail/Ext/Microsoft/SMBIOSSerialNumber', locUri: './DevDetail/Ext/Microsoft/SMBIOSSerialNumber', verb: 'Get' },
  { id: 'entdmid', label: 'Get ./Vendor/MSFT/DMClient/Provider/Fleet/EntDMID', locUri: './Vendor/MSFT/DMClient/Provider/Fleet/EntDMID', verb: 'Get' },
  { id: 'hwdevid', label: 'Get ./Vendor/MSFT/DMClient/HWDevID', locUri: './Vendor/MSFT/DMClient/HWDevID', verb: 'Get' },
  { id: 'devname', label: 'Get ./DevDetail/Ext/Microsoft/DeviceName', locUri: './DevDetail/Ext/Microsoft/DeviceName', verb: 'Get' },
  { id: 'missing', label: 'Get ./DevDetail/Ext/NoSuchNode (a 404 Status)', locUri: './DevDetail/Ext/NoSuchNode', verb: 'Get' },
];

/** The command's XML, one element per line so it reads well in the editor. */
export function commandXml(t: Pick<CommandTemplate, 'verb' | 'locUri'>, cmdId: string): string {
  return [`<${t.verb}>`, `  <CmdID>${cmdId}</CmdID>`, '  <Item>', '    <Target>', `      <LocURI>${t.locUri}</LocURI>`, '    </Target>', '  </Item>', `</${t.verb}>`].join('\n');
}

/** The CmdID written in a command (what Fleet keys the queued command by), or null. */
export function cmdIdOf(xml: string): string | null {
  return /<CmdID>\s*([^<\s]+)\s*<\/CmdID>/.exec(xml)?.[1] ?? null;
}

export interface CommandAnswer {
  /** The step whose request carried the device's answer. */
  stepIndex: number;
  status: string | null;
  results: { locUri: string; data: string }[];
}

/**
 * The device's answer to command `cmdId`, from the SyncML it sent back (MS-MDM 2.2.7.6 Status, 2.2.7.7 Results):
 * the Status with CmdRef = cmdId and the Results items with CmdRef = cmdId. Searches device → mdm requests.
 */
export function answerTo(steps: readonly ({ index: number; from: string; to: string; request?: { body: string } } | undefined)[], cmdId: string): CommandAnswer | null {
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    const body = s?.request?.body;
    if (!s || s.from !== 'device' || s.to !== 'mdm' || !body || !body.includes(cmdId) || !body.includes('<SyncML')) continue;
    const doc = new DOMParser().parseFromString(body, 'application/xml');
    if (doc.getElementsByTagName('parsererror').length) continue;
    const refersTo = (el: Element) => Array.from(el.children).some((c) => c.localName === 'CmdRef' && c.textContent?.trim() === cmdId);
    const direct = (el: Element, name: string) => Array.from(el.children).find((c) => c.localName === name);
    const status = Array.from(doc.getElementsByTagNameNS('*', 'Status')).find(refersTo);
    const results = Array.from(doc.getElementsByTagNameNS('*', 'Results')).filter(refersTo);
    if (!status && results.length === 0) continue;
    const items = results.flatMap((r) =>
      Array.from(r.children)
        .filter((c) => c.localName === 'Item')
        .map((item) => ({ locUri: direct(direct(item, 'Source') ?? item, 'LocURI')?.textContent?.trim() ?? '', data: direct(item, 'Data')?.textContent ?? '' })),
    );
    return { stepIndex: s.index, status: status ? (direct(status, 'Data')?.textContent?.trim() ?? null) : null, results: items };
  }
  return null;
}

/** The same command with a new CmdID (a queued command's uuid must be new each time). */
export function withCmdId(xml: string, cmdId: string): string {
  return /<CmdID>[^<]*<\/CmdID>/.test(xml) ? xml.replace(/<CmdID>[^<]*<\/CmdID>/, `<CmdID>${cmdId}</CmdID>`) : xml;
}

/** A fresh CmdID: a uuid, as Fleet uses for the commands it queues. */
export function newCmdId(): string {
  return crypto.randomUUID();
}
