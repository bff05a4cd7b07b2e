import type { Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, autopilotNeeds, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { PENDING_CMD_LOG_PREFIX } from '../mdm/management/wire.js';
import { FLEETD_INSTALLER_LOC_URI } from '../mdm/management/fleetd.js';
import { fleetClient, fleetHas } from './world.js';

/** A global enroll secret with XML-special characters, as an admin may type one (#53280). */
export const SPECIAL_CHARS_SECRET = 'Fleet&Co<2026>';

/**
 * Fleet #53280: enqueueInstallFleetdCommand embeds the global enroll secret raw in the MsiInstallJob, so a secret
 * with `&` or `<` makes the stored Exec undecodable; getPendingMDMCmds logs "getPendingMDMCmds syncML cmd creation"
 * and skips it, every session, and the command stays queued. fleetd never reaches the device and orbit never enrolls.
 * Under eua-first (#43295) the Add was its own command and still goes out: the device gets the node, not the job.
 */
export const enrollSecretSpecialChars: Scenario<AutopilotOutcome> = {
  name: 'enroll-secret-special-chars',
  title: 'Enroll secret with & and <: the fleetd install never reaches the device',
  description:
    'The global enroll secret holds XML-special characters. Fleet queues the fleetd install with the secret embedded raw, cannot decode it on the way out, logs it and skips it each session (#53280): no MsiInstallJob on the device, orbit never starts.',
  mdm: (o) => autopilotNeeds(o),
  options: AUTOPILOT_OPTIONS,
  run: async (world, o) => {
    const fleet = fleetClient(world);
    const before = await fleet.enrollSecrets();
    const out = await runAutopilot(world, optionsOf(o, { before: () => fleet.applyEnrollSecrets([SPECIAL_CHARS_SECRET]) }));
    // A shared external Fleet is left as found: every later enrollment would carry the undecodable secret.
    if (!world.mdmTarget.embedded) await fleet.applyEnrollSecrets(before.map((s) => s.secret));
    return out;
  },
  expect: (out) => [
    { kind: 'prompts', equals: 1, why: 'only the OOBE sign-in: orbit never runs, so it never asks' },
    { kind: 'row', party: 'device', table: 'msi_jobs', where: {}, present: false, why: 'no MsiInstallJob reached the device' },
    { kind: 'row', party: 'mdm', table: 'hosts', where: { uuid: out.hardwareUuid }, present: false, why: 'orbit never enrolled' },
    {
      kind: 'check',
      name: 'the install command stays queued, never acknowledged',
      check: (w) => {
        const rows = w.mdm.ctx.store.read((db) =>
          db.prepare(
            `SELECT c.command_uuid, c.raw_command, q.acked_at FROM windows_mdm_commands c JOIN windows_mdm_command_queue q ON q.command_uuid = c.command_uuid
             WHERE c.target_loc_uri = ? AND c.raw_command LIKE '%<Exec>%'`,
          ).all(FLEETD_INSTALLER_LOC_URI),
        ) as { command_uuid: string; raw_command: string; acked_at: string | null }[];
        const pending = rows.filter((r) => r.acked_at === null && r.raw_command.includes(`FLEET_SECRET="${SPECIAL_CHARS_SECRET}"`));
        return { passed: rows.length > 0 && pending.length === rows.length, detail: `${pending.length} of ${rows.length} install Exec command(s) pending` };
      },
    },
    {
      kind: 'check',
      name: "a management reply carries Fleet's log line for the skipped command",
      // The log line is the embedded server's note on the run's step; an external Fleet logs to its own output.
      needs: 'embedded-mdm',
      check: (w) => {
        const lines = w.lab.recorder.all().flatMap((s) => ((s.detail?.fleetLog as unknown) instanceof Array ? (s.detail!.fleetLog as string[]) : []));
        const hit = lines.find((l) => typeof l === 'string' && l.startsWith(PENDING_CMD_LOG_PREFIX));
        return { passed: hit !== undefined, detail: hit ?? 'no step logged a skipped command' };
      },
    },
    {
      kind: 'check',
      name: 'the wire carries no <Exec> of the installer (and the Add only as its own command)',
      check: (w) => {
        const replies = w.lab.recorder.all().filter((s) => s.catalogId === 'omadm.message' && (s.response?.body ?? '').includes(FLEETD_INSTALLER_LOC_URI));
        const execOut = replies.some((s) => /<Exec>/.test(s.response!.body) && s.response!.body.includes(FLEETD_INSTALLER_LOC_URI));
        const addOut = replies.some((s) => /<Add>/.test(s.response!.body));
        // #43295 queued the Add on its own: it decodes and goes out; the combined row of later Fleet does not.
        const addExpected = !fleetHas(w, 'fleetd-install-one-command');
        return { passed: !execOut && addOut === addExpected, detail: `Exec on the wire: ${execOut}; Add on the wire: ${addOut} (expected ${addExpected})` };
      },
    },
  ],
};
