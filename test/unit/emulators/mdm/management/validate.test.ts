import { describe, it, expect } from 'vitest';
import { validateSyncML } from '../../../../../emulators/mdm/management/validate.js';
import { buildSyncML, parseSyncML, syncHdr, alert } from '../../../../../emulators/protocols/syncml.js';

const msg = (over: Partial<{ sessionId: string; msgId: string; target: string; source: string }> = {}, cmds = [alert('1', '1201')]) =>
  parseSyncML(buildSyncML({ hdr: syncHdr({ sessionId: '1', msgId: '1', target: 'https://mdm/x', source: 'DEV', ...over }), commands: cmds, final: true }));

describe('SyncML.IsValidMsg', () => {
  it('accepts a well-formed client message', () => expect(validateSyncML(msg())).toBeUndefined());
  it('refuses MsgID 0', () => expect(validateSyncML(msg({ msgId: '0' }))).toBe('invalid SyncML header: MsgID'));
  it('refuses an empty SessionID', () => expect(validateSyncML(msg({ sessionId: '' }))).toBe('invalid SyncML header: sessionID'));
  it('refuses a missing Source LocURI', () => expect(validateSyncML(msg({ source: '' }))).toBe('invalid SyncML header: Source.LocURI'));
  it('refuses a body without commands', () => expect(validateSyncML(msg({}, []))).toBe('invalid SyncML body: no SyncML protocol commands'));
  it('refuses VerProto other than DM/1.2', () => {
    const m = msg();
    m.hdr.verProto = 'DM/1.1';
    expect(validateSyncML(m)).toBe('invalid SyncML header: unsupported proto version');
  });
});
