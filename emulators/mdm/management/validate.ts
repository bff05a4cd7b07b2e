import type { ParsedSyncMLMessage } from '../../protocols/syncml.js';

/**
 * SyncML.IsValidMsg (server/fleet/microsoft_mdm.go): namespace, VerDTD 1.2, VerProto DM/1.2, SessionID, MsgID,
 * Target and Source LocURI, and at least one protocol command. MsgID "0" is refused as well (messages count from
 * 1, entra-mde2.md §8.2; fleet.md §2.10). Returns Fleet's error text or undefined.
 */
export function validateSyncML(msg: ParsedSyncMLMessage): string | undefined {
  const h = msg.hdr;
  const header = (): string | undefined => {
    if (msg.namespace.trim() === '') return 'msg namespace';
    if (h.verDTD !== '1.2') return 'unsupported DTD version';
    if (h.verProto !== 'DM/1.2') return 'unsupported proto version';
    if (h.sessionId === '') return 'sessionID';
    if (h.msgId === '' || h.msgId === '0') return 'MsgID';
    if (h.target.trim() === '') return 'Target.LocURI';
    if (h.source.trim() === '') return 'Source.LocURI';
    return undefined;
  };
  const hdrErr = header();
  if (hdrErr) return `invalid SyncML header: ${hdrErr}`;
  if (msg.commands.length === 0) return 'invalid SyncML body: no SyncML protocol commands';
  return undefined;
}

