import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mdmFixture, seedEnrollment } from '../../../../helpers/mdm-context.js';
import type { MdmContext } from '../../../../../emulators/mdm/context.js';
import { buildInstallFleetdCommand, isFleetdPresentOnDevice, isValidUPN, FLEETD_INSTALLER_LOC_URI } from '../../../../../emulators/mdm/management/fleetd.js';
import { enrollmentByDeviceId } from '../../../../../emulators/mdm/store/management.js';
import { parseSyncML, dataText } from '../../../../../emulators/protocols/syncml.js';

let ctx: MdmContext;
let dispose: () => void;
beforeEach(async () => ({ ctx, dispose } = await mdmFixture()));
afterEach(() => dispose());

describe('the fleetd install command (fleet.md §3)', () => {
  it('is one Add with the internal CmdID then one Exec whose MsiInstallJob embeds the command line raw', () => {
    const raw = buildInstallFleetdCommand({ execCmdId: 'exec-1', msiUrl: 'http://127.0.0.1:1/stable/fleetd-base.msi', msiSha256: 'ab'.repeat(32), fleetUrl: 'http://127.0.0.1:1', enrollSecret: 's3cret', euaToken: 'a.b.c' });
    const cmds = parseSyncML(`<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr/><SyncBody>${raw}</SyncBody></SyncML>`).commands;
    expect(cmds.map((c) => [c.verb, c.cmdId])).toEqual([['Add', 'fleet-internal-fleetd-install-add'], ['Exec', 'exec-1']]);
    expect(cmds.every((c) => c.items[0]!.target === FLEETD_INSTALLER_LOC_URI)).toBe(true);
    const data = dataText(cmds[1]!.items[0]!.data)!;
    expect(data).toMatch(/^<MsiInstallJob id="\{A427C0AA-E2D5-40DF-ACE8-0D726A6BE096\}">\s*<Product Version="1.0.0.0">/);
    expect(data).toContain('<CommandLine>/quiet FLEET_URL="http://127.0.0.1:1" FLEET_SECRET="s3cret" ENABLE_SCRIPTS="True" EUA_TOKEN="a.b.c"</CommandLine>');
    expect(data).toMatch(/<TimeOut>10<\/TimeOut>\s*<RetryCount>1<\/RetryCount>\s*<RetryInterval>5<\/RetryInterval>/);
  });

  // fleet.md §3 step 5: the queued raw_command is Fleet's rawAddCmd + rawExecCmd byte for byte (Fleet's newlines and
  // tabs, Item order Target, Data, Meta, the command line embedded raw).
  it('§3: the queued raw XML is byte-identical to Fleet\'s Add + Exec', () => {
    const raw = buildInstallFleetdCommand({ execCmdId: 'e-1', msiUrl: 'https://dl/fleetd-base.msi', msiSha256: 'AB'.repeat(32), fleetUrl: 'https://fleet', enrollSecret: 'sec', euaToken: 'h.p.s' });
    const loc = './Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BA427C0AA-E2D5-40DF-ACE8-0D726A6BE096%7D/DownloadInstall';
    const fleetAdd = `\n<Add>\n\t<CmdID>fleet-internal-fleetd-install-add</CmdID>\n\t<Item>\n\t\t<Target>\n\t\t\t<LocURI>${loc}</LocURI>\n\t\t</Target>\n\t</Item>\n</Add>`;
    const fleetExec =
      `\n<Exec>\n\t<CmdID>e-1</CmdID>\n\t<Item>\n\t\t<Target>\n\t\t\t<LocURI>${loc}</LocURI>\n\t\t</Target>\n\t\t<Data>\n` +
      `\t\t\t<MsiInstallJob id="{A427C0AA-E2D5-40DF-ACE8-0D726A6BE096}">\n\t\t\t<Product Version="1.0.0.0">\n` +
      `\t\t\t\t<Download>\n\t\t\t\t\t<ContentURLList>\n\t\t\t\t\t\t<ContentURL>https://dl/fleetd-base.msi</ContentURL>\n\t\t\t\t\t</ContentURLList>\n\t\t\t\t</Download>\n` +
      `\t\t\t\t<Validation>\n\t\t\t\t\t<FileHash>${'AB'.repeat(32)}</FileHash>\n\t\t\t\t</Validation>\n` +
      `\t\t\t\t<Enforcement>\n\t\t\t\t\t<CommandLine>/quiet FLEET_URL="https://fleet" FLEET_SECRET="sec" ENABLE_SCRIPTS="True" EUA_TOKEN="h.p.s"</CommandLine>\n` +
      `\t\t\t\t\t<TimeOut>10</TimeOut>\n\t\t\t\t\t<RetryCount>1</RetryCount>\n\t\t\t\t\t<RetryInterval>5</RetryInterval>\n\t\t\t\t</Enforcement>\n` +
      `\t\t\t</Product>\n\t\t\t</MsiInstallJob>\n\t\t</Data>\n\t\t<Meta>\n\t\t\t<Type xmlns="syncml:metinf">text/plain</Type>\n\t\t\t<Format xmlns="syncml:metinf">xml</Format>\n\t\t</Meta>\n\t</Item>\n</Exec>\n`;
    expect(raw).toBe(fleetAdd + fleetExec);
  });

  it('§3: without a token the command line ends at ENABLE_SCRIPTS (no EUA_TOKEN property)', () => {
    const raw = buildInstallFleetdCommand({ execCmdId: 'e-1', msiUrl: 'https://dl/m.msi', msiSha256: 'AB'.repeat(32), fleetUrl: 'https://fleet', enrollSecret: 'sec', euaToken: '' });
    expect(raw).toContain('<CommandLine>/quiet FLEET_URL="https://fleet" FLEET_SECRET="sec" ENABLE_SCRIPTS="True"</CommandLine>');
    expect(raw).not.toContain('EUA_TOKEN');
  });

  it('tells UPN enrollments from orbit node keys', () => {
    expect(isValidUPN('alice@contoso.example')).toBe(true);
    expect(isValidUPN('h5Jd0f8rQ2kq1m3n4o5p6q7r8s9t0u1v')).toBe(false);
  });

  it('counts fleetd present only when the linked host checked in no earlier than 90 s before the enrollment', () => {
    const created = ctx.lab.clock.now();
    seedEnrollment(ctx, { deviceId: 'DEV', upn: 'alice@contoso.example', password: 'pw', hostUuid: 'H1' });
    const setSeen = (ms: number) =>
      ctx.store.tx((db) => {
        const iso = new Date(ms).toISOString();
        db.prepare(`INSERT OR IGNORE INTO hosts(id, uuid, platform, created_at, updated_at) VALUES (1, 'H1', 'windows', ?, ?)`).run(iso, iso);
        db.prepare(`INSERT OR REPLACE INTO host_orbit_info(host_id, version) VALUES (1, '1.55.0')`).run();
        db.prepare(`INSERT OR REPLACE INTO host_seen_times(host_id, seen_time) VALUES (1, ?)`).run(iso);
      });
    const present = () => ctx.store.read((db) => isFleetdPresentOnDevice(db, enrollmentByDeviceId(db, 'DEV')!));
    setSeen(created - 91_000);
    expect(present()).toBe(false);
    setSeen(created - 90_000);
    expect(present()).toBe(true);
  });
});
