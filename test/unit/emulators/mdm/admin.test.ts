import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mdmFixture, seedEnrollment } from '../../../helpers/mdm-context.js';
import type { MdmContext } from '../../../../emulators/mdm/context.js';
import { queueCommand } from '../../../../emulators/mdm/admin.js';

let ctx: MdmContext;
let dispose: () => void;
beforeEach(async () => ({ ctx, dispose } = await mdmFixture()));
afterEach(() => dispose());

describe('queueCommand (lab API)', () => {
  it('gives a command without CmdID a uuid and queues it on the latest enrollment', () => {
    seedEnrollment(ctx, { deviceId: 'DEV', upn: 'alice@contoso.example', password: 'pw' });
    const q = queueCommand(ctx, 'DEV', '<Get><Item><Target><LocURI>./DevDetail/Ext/Microsoft/DeviceName</LocURI></Target></Item></Get>');
    expect(q.rawCommand).toBe(`<Get><CmdID>${q.commandUuid}</CmdID><Item><Target><LocURI>./DevDetail/Ext/Microsoft/DeviceName</LocURI></Target></Item></Get>`);
    expect(q.targetLocUri).toBe('./DevDetail/Ext/Microsoft/DeviceName');
    expect(ctx.store.read((db) => db.prepare(`SELECT has_pending_commands AS h FROM mdm_windows_enrollments`).get())).toEqual({ h: 1 });
  });

  it('refuses a Status (a server never sends one as a command) and writes nothing', () => {
    seedEnrollment(ctx, { deviceId: 'DEV', upn: 'alice@contoso.example', password: 'pw' });
    const before = ctx.store.fileBytes();
    expect(() => queueCommand(ctx, 'DEV', '<Status><CmdID>1</CmdID></Status>')).toThrow('a server cannot send <Status>');
    expect(() => queueCommand(ctx, 'NOPE', '<Get><CmdID>9</CmdID><Item><Target><LocURI>./x</LocURI></Target></Item></Get>')).toThrow('no windows mdm enrollment');
    expect(ctx.store.fileBytes().equals(before)).toBe(true);
  });
});
