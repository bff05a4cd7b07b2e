/**
 * Orbit's part in the Windows setup experience (docs/Contributing/architecture/setup-experience.md, orbit's
 * SetupExperiencer and software installer runner): once the config says `run_setup_experience` (Fleet sets it while
 * the Windows enrollment awaits configuration), orbit calls setup_experience/init, then polls setup_experience/status
 * every 30 s; each install Fleet queues shows up in the config's `pending_software_installer_ids`; orbit runs it and
 * posts the exit code to software_install/result. A hung installer never posts: the item stays running.
 * UNCONFIRMED: fleetd starts this at startup when the server advertises web_setup_experience; the lab starts it on
 * the notification, which is what makes it a Windows OOBE-only flow here.
 */
import type { Lab } from '../lab/lab.js';
import { MDM_PATHS } from '../protocols/paths/mdm.js';

/** What the lab's setup-experience installers do on this machine. */
export type InstallerBehaviour = 'succeeds' | 'fails' | 'hangs';

export interface SetupExperienceRun {
  enabled: boolean;
  /** Each status poll's items, in order. */
  polls: { name: string; status: string }[][];
  /** Install executions run, with what happened. */
  installs: { executionId: string; outcome: InstallerBehaviour }[];
}

/** The SetupExperiencer's poll interval (30 s, setup-experience.md). */
export const SETUP_EXPERIENCE_POLL_MS = 30_000;

interface Ctx {
  lab: Lab;
  base: string;
  nodeKey: string;
  capabilities: string[];
  version: string;
  installer: InstallerBehaviour;
}

async function post(c: Ctx, catalogId: 'orbit.setup-experience-init' | 'orbit.setup-experience-status' | 'orbit.software-install-result' | 'orbit.config', path: string, body: Record<string, unknown>, title?: string) {
  return c.lab.send({
    from: 'orbit',
    to: 'mdm',
    catalogId,
    ...(title !== undefined && { title }),
    request: {
      method: 'POST',
      url: `${c.base}${path}`,
      headers: { 'content-type': 'application/json', 'x-fleet-capabilities': c.capabilities.join(','), 'user-agent': `fleetd/${c.version}` },
      body: JSON.stringify({ orbit_node_key: c.nodeKey, ...body }),
    },
  });
}

function notifications(config: unknown): Record<string, unknown> {
  const n = (config as { notifications?: unknown } | null)?.notifications;
  return typeof n === 'object' && n !== null ? (n as Record<string, unknown>) : {};
}

/** Runs the setup experience when the config asks for it; null when it does not. */
export async function runSetupExperience(c: Ctx, config: unknown): Promise<SetupExperienceRun | null> {
  if (notifications(config).run_setup_experience !== true) return null;
  const run: SetupExperienceRun = { enabled: false, polls: [], installs: [] };
  const init = await post(c, 'orbit.setup-experience-init', MDM_PATHS.orbitSetupExperienceInit, {});
  if (init.status !== 200) return run;
  run.enabled = init.json<{ result?: { enabled?: boolean } }>().result?.enabled === true;
  if (!run.enabled) return run;

  const poll = async () => {
    const res = await post(c, 'orbit.setup-experience-status', MDM_PATHS.orbitSetupExperienceStatus, { force_release: false, reset_failed_setup_steps: false });
    const items = res.status === 200 ? (res.json<{ setup_experience_results?: { software?: { name: string; status: string }[] } }>().setup_experience_results?.software ?? []) : [];
    run.polls.push(items.map((i) => ({ name: i.name, status: i.status })));
  };
  await poll();
  // Serially, as orbit's installer runner does: a hung installer holds up the rest.
  for (let round = 0; round < 20; round++) {
    c.lab.clock.advance(SETUP_EXPERIENCE_POLL_MS);
    const cfg = await post(c, 'orbit.config', MDM_PATHS.orbitConfig, { orbit_info: { version: c.version } }, 'orbit config (pending software installs)');
    const pending = cfg.status === 200 ? notifications(cfg.json<unknown>()).pending_software_installer_ids : undefined;
    if (!Array.isArray(pending) || pending.length === 0) break;
    const executionId = String(pending[0]);
    const outcome = c.installer;
    run.installs.push({ executionId, outcome });
    await c.lab.local(
      {
        party: 'orbit',
        catalogId: 'orbit.run-installer',
        title: outcome === 'hangs' ? 'orbit runs the installer: it never returns' : `orbit runs the installer: exit ${outcome === 'succeeds' ? 0 : 1}`,
        detail: { executionId, outcome },
      },
      () => undefined,
    );
    if (outcome === 'hangs') break;
    await post(c, 'orbit.software-install-result', MDM_PATHS.orbitSoftwareInstallResult, {
      install_uuid: executionId,
      install_script_exit_code: outcome === 'succeeds' ? 0 : 1,
      install_script_output: outcome === 'succeeds' ? 'Installed.' : 'Installation failed (exit 1).',
    });
    await poll();
  }
  return run;
}
