import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startWorld, type World } from '../../emulators/scenarios/world.js';
import { findScenario } from '../../emulators/scenarios/index.js';
import { evaluate } from '../../emulators/scenarios/expect.js';
import { parseSyncML } from '../../emulators/protocols/syncml.js';
import { FLEETD_INSTALLER_LOC_URI } from '../../emulators/mdm/management/fleetd.js';
import { SPECIAL_CHARS_SECRET } from '../../emulators/scenarios/enroll-secret-special-chars.js';
import type { FleetProfileName } from '../../emulators/mdm/profiles/profiles.js';
import type { AutopilotOutcome } from '../../emulators/scenarios/flows/autopilot.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function run(name: string, fleetProfile: FleetProfileName, seed: string) {
  world = await startWorld({ dataDir: mkdtempSync(join(tmpdir(), 'es-install-')), seed, mdmSettings: { fleetProfile } });
  const scenario = findScenario(name)!;
  const out = (await scenario.run(world, {})) as AutopilotOutcome;
  return { world, out, verdicts: evaluate(scenario.expect(out, {}), world) };
}

/** The installer commands Fleet queued, oldest first: windows_mdm_commands joined to the queue. */
function installRows(w: World) {
  return w.mdm.ctx.store.read((db) =>
    db.prepare(
      `SELECT c.command_uuid, c.raw_command, q.acked_at, q.enrollment_id FROM windows_mdm_commands c JOIN windows_mdm_command_queue q ON q.command_uuid = c.command_uuid
       WHERE c.target_loc_uri = ? ORDER BY q.created_at, c.rowid`,
    ).all(FLEETD_INSTALLER_LOC_URI),
  ) as { command_uuid: string; raw_command: string; acked_at: string | null; enrollment_id: number }[];
}

/** The first management reply that carried the installer, and its SyncML commands. */
function firstInstallReply(w: World) {
  const step = w.lab.recorder.all().find((s) => s.catalogId === 'omadm.message' && (s.response?.body ?? '').includes(FLEETD_INSTALLER_LOC_URI))!;
  return { body: step.response!.body, commands: parseSyncML(step.response!.body).commands };
}

describe('fleetd-install-one-command: eua-first (#43295) vs eua-link-fix', () => {
  it('eua-first queues the Add (random uuid) and the Exec as two rows; both carry their own CmdID on the wire', async () => {
    const { world: w, verdicts } = await run('autopilot-eua', 'eua-first', 'install-two');
    expect(verdicts.filter((v) => !v.passed)).toEqual([]);
    const rows = installRows(w);
    // An Add row and an Exec row per session that queued the install.
    expect(rows.length % 2).toBe(0);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const [add, exec] = rows as [(typeof rows)[0], (typeof rows)[0]];
    expect(add.raw_command).toContain('<Add>');
    expect(add.raw_command).not.toContain('<Exec>');
    expect(exec.raw_command).toContain('<Exec>');
    expect(exec.raw_command).not.toContain('<Add>');
    expect(add.command_uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(add.raw_command).toBe(`\n<Add>\n\t<CmdID>${add.command_uuid}</CmdID>\n\t<Item>\n\t\t<Target>\n\t\t\t<LocURI>${FLEETD_INSTALLER_LOC_URI}</LocURI>\n\t\t</Target>\n\t</Item>\n</Add>`);
    expect(exec.raw_command).toContain(`<CmdID>${exec.command_uuid}</CmdID>`);
    expect(exec.raw_command).toMatch(/ EUA_TOKEN="[\w-]+\.[\w-]+\.[\w-]+"<\/CommandLine>/);
    // Every row is answered by the device's Status in the next message.
    expect(rows.every((r) => r.acked_at !== null)).toBe(true);
    const { commands } = firstInstallReply(w);
    const onWire = commands.filter((c) => c.verb === 'Add' || c.verb === 'Exec');
    expect(onWire.map((c) => c.cmdId).sort()).toEqual([add.command_uuid, exec.command_uuid].sort());
    expect(onWire.every((c) => !c.cmdId.startsWith('fleet-internal-'))).toBe(true);
    // Unordered (no ORDER BY; InnoDB hands the queue out by its key, the command_uuid), the Exec goes first when its
    // uuid sorts first: the device answers 404 (no node yet) and Fleet queues the pair again next session.
    const execFirst = onWire[0]!.verb === 'Exec';
    expect(execFirst).toBe(exec.command_uuid < add.command_uuid);
    const status = w.mdm.ctx.store.read((db) => db.prepare(`SELECT status_code FROM windows_mdm_command_results WHERE command_uuid = ?`).pluck().get(exec.command_uuid));
    expect(status).toBe(execFirst ? '404' : '200');
    expect(rows.length).toBe(execFirst ? 4 : 2);
  });

  it('eua-link-fix queues ONE combined row: the Add with the internal CmdID, then the Exec, in that order on the wire', async () => {
    const { world: w, verdicts } = await run('autopilot-eua', 'eua-link-fix', 'install-one');
    expect(verdicts.filter((v) => !v.passed)).toEqual([]);
    const rows = installRows(w);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row!.raw_command.indexOf('<Add>')).toBeLessThan(row!.raw_command.indexOf('<Exec>'));
    expect(row!.raw_command).toContain('<CmdID>fleet-internal-fleetd-install-add</CmdID>');
    expect(row!.raw_command).toContain(`<CmdID>${row!.command_uuid}</CmdID>`);
    const { body, commands } = firstInstallReply(w);
    const onWire = commands.filter((c) => c.verb === 'Add' || c.verb === 'Exec');
    expect(onWire.map((c) => c.verb)).toEqual(['Add', 'Exec']);
    expect(onWire.map((c) => c.cmdId)).toEqual(['fleet-internal-fleetd-install-add', row!.command_uuid]);
    // Re-marshalled compact, as Go's xml.Marshal writes it (#53280), not the stored tab-indented text.
    expect(body).toContain(`<Add><CmdID>fleet-internal-fleetd-install-add</CmdID><Item><Target><LocURI>${FLEETD_INSTALLER_LOC_URI}</LocURI></Target></Item></Add><Exec><CmdID>${row!.command_uuid}</CmdID>`);
  });
});

describe('enroll-secret-special-chars (#53280)', () => {
  for (const profile of ['eua-first', 'eua-link-fix', 'current'] as const) {
    it(`holds its expectations under ${profile}`, async () => {
      const { verdicts } = await run('enroll-secret-special-chars', profile, `special-${profile}`);
      expect(verdicts.filter((v) => !v.passed)).toEqual([]);
    });
  }

  it('eua-first: the Add still goes out and is acknowledged, the Exec stays queued; current: the one combined row stays queued', async () => {
    const first = await run('enroll-secret-special-chars', 'eua-first', 'special-diff-a');
    const a = installRows(first.world);
    expect(a.filter((r) => r.raw_command.includes('<Add>')).every((r) => r.acked_at !== null)).toBe(true);
    expect(a.filter((r) => r.raw_command.includes('<Exec>')).every((r) => r.acked_at === null)).toBe(true);
    expect(a.filter((r) => r.raw_command.includes('<Exec>')).length).toBeGreaterThanOrEqual(2); // re-queued each session
    expect(first.out.orbit).toBeNull();
    await first.world.close();
    world = undefined;

    const cur = await run('enroll-secret-special-chars', 'current', 'special-diff-c');
    const c = installRows(cur.world);
    expect(c.length).toBeGreaterThanOrEqual(2);
    expect(c.every((r) => r.raw_command.includes('<Add>') && r.raw_command.includes(`FLEET_SECRET="${SPECIAL_CHARS_SECRET}"`) && r.acked_at === null)).toBe(true);
    const log = cur.world.lab.recorder.all().flatMap((s) => (s.detail?.fleetLog as string[] | undefined) ?? []);
    expect(log.some((l) => l.startsWith('getPendingMDMCmds syncML cmd creation: XML syntax error on line') && l.includes('invalid character entity &Co (no semicolon)'))).toBe(true);
  });
});
