import { tempLab } from './lab.js';
import { startMdmServer, type MdmServer } from '../../emulators/mdm/server.js';
import type { MdmSettings } from '../../emulators/mdm/settings.js';
import type { Lab } from '../../emulators/lab/lab.js';
import {
  alert,
  buildSyncML,
  nodeCommand,
  parseSyncML,
  syncHdr,
  SYNCML_CONTENT_TYPE,
  type ParsedSyncMLMessage,
  type SyncMLCommand,
} from '../../emulators/protocols/syncml.js';
import { MDM_PATHS } from '../../emulators/protocols/paths/mdm.js';
import { decodeNextNonce, md5Cred } from '../../emulators/protocols/syncml-auth.js';

export const MGMT = MDM_PATHS.management;

export async function mdmLab(settings: Partial<MdmSettings> = {}, seed = 'mdm-mgmt'): Promise<{ lab: Lab; server: MdmServer; dispose: () => Promise<void> }> {
  const { lab, dispose } = tempLab({ seed });
  const server = await startMdmServer({ lab, settings });
  return {
    lab,
    server,
    dispose: async () => {
      await server.close();
      dispose();
    },
  };
}

export async function post(lab: Lab, url: string, body: string, contentType = SYNCML_CONTENT_TYPE) {
  return lab.send({ from: 'device', to: 'mdm', request: { method: 'POST', url, headers: { 'content-type': contentType }, body } });
}

/** Package 1 of a management session (entra-mde2.md §8.3). */
export function package1(deviceId: string): SyncMLCommand[] {
  return [
    alert('1', '1201'),
    alert('2', '1224', [{ meta: { type: 'com.microsoft/MDM/LoginStatus' }, data: 'user' }]),
    {
      verb: 'Replace',
      cmdId: '3',
      items: [
        { source: './DevInfo/DevId', data: deviceId },
        { source: './DevInfo/Man', data: 'Enrollscope' },
        { source: './DevInfo/Mod', data: 'Virtual Device' },
        { source: './DevInfo/DmV', data: '1.3' },
        { source: './DevInfo/Lang', data: 'en-US' },
      ],
    },
  ];
}

/** A minimal OMA-DM client: session/message counters, the digest over the last NextNonce. */
export class TestDmClient {
  msgId = 0;
  nonce: string | undefined;
  constructor(
    readonly lab: Lab,
    readonly serverUrl: string,
    readonly deviceId: string,
    public password: string,
    readonly sessionId = '1',
  ) {}

  message(commands: (SyncMLCommand | string)[], opts: { cred?: boolean; msgId?: string } = {}): string {
    const msgId = opts.msgId ?? String(++this.msgId);
    const cred = opts.cred !== false && this.nonce !== undefined ? md5Cred(this.deviceId, this.password, this.nonce) : undefined;
    return buildSyncML({
      hdr: syncHdr({ sessionId: this.sessionId, msgId, target: this.serverUrl + MGMT, source: this.deviceId, ...(cred && { cred }) }),
      commands,
      final: true,
    });
  }

  async send(commands: (SyncMLCommand | string)[], opts: { cred?: boolean; msgId?: string } = {}): Promise<{ status: number; msg: ParsedSyncMLMessage; text: string }> {
    const res = await post(this.lab, this.serverUrl + MGMT, this.message(commands, opts));
    const text = res.text();
    const msg = parseSyncML(text);
    const chal = msg.commands.find((c) => c.verb === 'Status' && c.cmd === 'SyncHdr')?.chal?.nextNonce;
    if (chal) this.nonce = decodeNextNonce(chal);
    return { status: res.status, msg, text };
  }
}

export function statusOf(msg: ParsedSyncMLMessage, cmdRef: string): string | undefined {
  return msg.commands.find((c) => c.verb === 'Status' && c.cmdRef === cmdRef)?.data;
}

export { nodeCommand };
