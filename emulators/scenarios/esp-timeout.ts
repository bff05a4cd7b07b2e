import type { Expectation, Scenario } from './types.js';
import { AUTOPILOT_OPTIONS, optionsOf, runAutopilot, type AutopilotOutcome } from './flows/autopilot.js';
import { fleetHas, type World } from './world.js';
import { configureSetupExperienceSoftware } from '../mdm/store/setup-experience.js';
import { ESP_TIMEOUT_ERROR_TEXT, ESP_TIMEOUT_MS } from '../mdm/management/esp.js';
import { espView, type EspView } from '../device/csp/esp.js';
import type { OmaDmSessionResult } from '../device/index.js';

/** The setup-experience software whose installer never returns. */
export const HUNG_SOFTWARE = 'Acme VPN';

export interface EspTimeoutOutcome extends AutopilotOutcome {
  /** Whether this Fleet holds Autopilot enrollments at the ESP (switch windows-esp). */
  fleetEsp: boolean;
  /** The session one minute before Fleet's 3 h, and the one after it. */
  beforeTimeout: OmaDmSessionResult;
  afterTimeout: OmaDmSessionResult;
  espBefore: EspView | null;
  espAfter: EspView | null;
}

function advance(world: World, ms: number, title: string): Promise<void> {
  return world.lab.local({ party: 'device', catalogId: 'lab.clock-advance', title, detail: { advancedMs: ms } }, () => world.lab.clock.advance(ms));
}

const wireHas = (s: OmaDmSessionResult, uri: string) => s.commands.some((c) => c.target.includes(uri));

/**
 * Fleet's 3 h ESP timeout (handleESPRelease, server/service/microsoft_mdm.go): setup-experience software whose
 * installer hangs keeps the item running, so Fleet holds the device at the ESP; a session at 2 h 59 min still waits,
 * the first one past 3 h of lab time cancels the item (canceled_setup_experience), sends the soft block (the timeout
 * text, Reset PC and Continue anyway, TimeOutUntilSyncFailure=1) and the ESP fails on the device.
 */
export const espTimeout: Scenario<EspTimeoutOutcome> = {
  name: 'esp-timeout',
  title: 'Autopilot ESP: a setup installer hangs, Fleet gives up after 3 h',
  description:
    'Software is marked "install during setup" and its installer never returns. Fleet holds the device at the Enrollment Status Page while the item runs; after 3 h of lab time the next session cancels it, records canceled_setup_experience and fails the ESP with "Setup is taking longer than expected…" and Reset PC / Continue anyway. Fleets without the ESP hold (eua-first, eua-link-fix) show no ESP at all.',
  options: AUTOPILOT_OPTIONS.filter((o) => o.name !== 'eua'),
  // Fleet's setup-experience software API (software installers) is not modelled; the lab's clock moves 3 h.
  mdm: { needs: 'embedded', why: 'it marks setup-experience software in the MDM server\'s store and moves the lab clock 3 h' },
  run: async (world, o) => {
    const out = await runAutopilot(
      world,
      optionsOf(
        { ...o, eua: true },
        {
          installer: 'hangs',
          before: (w) =>
            w.lab.local({ party: 'mdm', catalogId: 'lab.setup-software-seed', title: `Lab setup: "${HUNG_SOFTWARE}" installs during setup` }, () =>
              configureSetupExperienceSoftware(w.mdm.ctx, { name: HUNG_SOFTWARE, filename: 'acme-vpn.msi' }),
            ),
        },
      ),
    );
    const enrolledAt = world.mdm.ctx.store.read(
      (db) => db.prepare(`SELECT created_at FROM mdm_windows_enrollments WHERE mdm_device_id = ?`).pluck().get(out.mdmDeviceId) as string,
    );
    // The DMClient keeps polling (IntervalForFirstSetOfRetries = 1 min); the lab jumps to just before and just after 3 h.
    const toBefore = Date.parse(enrolledAt) + ESP_TIMEOUT_MS - 60_000 - world.lab.clock.now();
    await advance(world, toBefore, 'Time passes: 2 h 59 min since the enrollment (the installer still runs)');
    const beforeTimeout = await out.device.syncManagement();
    const espBefore = espView(out.device.store);
    await advance(world, 2 * 60_000, 'Time passes: 3 h 1 min since the enrollment');
    const afterTimeout = await out.device.syncManagement();
    return { ...out, fleetEsp: fleetHas(world, 'windows-esp'), beforeTimeout, afterTimeout, espBefore, espAfter: espView(out.device.store) };
  },
  expect: (out): Expectation[] => {
    const common: Expectation[] = [{ kind: 'prompts', equals: 1, why: 'the EUA token spares the second prompt' }];
    if (!out.fleetEsp) {
      return [
        ...common,
        {
          kind: 'check',
          name: 'this Fleet sends no ESP commands and Windows shows no ESP',
          check: () => ({ passed: out.espAfter === null && !wireHas(out.afterTimeout, 'FirstSyncStatus'), detail: out.espAfter ? `ESP ${out.espAfter.state}` : 'no ESP' }),
        },
        { kind: 'row', party: 'mdm', table: 'setup_experience_status_results', where: { name: HUNG_SOFTWARE }, present: false, why: 'orbit was never told to run the setup experience' },
      ];
    }
    return [
      ...common,
      {
        kind: 'check',
        name: 'at 2 h 59 min Fleet still holds: no finalize, the ESP still shows',
        check: () => ({
          passed: out.espBefore?.state === 'showing' && !wireHas(out.beforeTimeout, 'ServerHasFinishedProvisioning') && !wireHas(out.beforeTimeout, 'CustomErrorText'),
          detail: `ESP ${out.espBefore?.state ?? 'none'}; ${out.beforeTimeout.commands.length} command(s) in that session`,
        }),
      },
      {
        kind: 'check',
        name: 'past 3 h Fleet sends the block (CustomErrorText, BlockInStatusPage, TimeOutUntilSyncFailure=1), never ServerHasFinishedProvisioning',
        check: () => ({
          passed: ['CustomErrorText', 'BlockInStatusPage', 'AllowCollectLogsButton', 'TimeOutUntilSyncFailure'].every((n) => wireHas(out.afterTimeout, n)) && !wireHas(out.afterTimeout, 'ServerHasFinishedProvisioning'),
          detail: out.afterTimeout.commands.map((c) => `${c.verb} ${c.target.split('/').pop()} ${c.status}`).join(', '),
        }),
      },
      {
        kind: 'check',
        name: 'the ESP fails with Fleet\'s timeout text and Reset PC / Continue anyway',
        check: () => ({
          passed: out.espAfter?.state === 'failed' && out.espAfter.error_text === ESP_TIMEOUT_ERROR_TEXT && out.espAfter.buttons === 'Reset PC,Continue anyway' && out.espAfter.collect_logs === 1,
          detail: out.espAfter ? `${out.espAfter.state}: ${out.espAfter.error_text ?? ''} [${out.espAfter.buttons ?? ''}]` : 'no ESP',
        }),
      },
      { kind: 'row', party: 'mdm', table: 'setup_experience_status_results', where: { name: HUNG_SOFTWARE, status: 'cancelled' }, present: true, why: 'CancelPendingSetupExperienceSteps on the timeout' },
      { kind: 'row', party: 'mdm', table: 'mdm_windows_enrollments', where: { mdm_device_id: out.mdmDeviceId, awaiting_configuration: 0 }, present: true, why: 'the CAS Active → None' },
      { kind: 'row', party: 'mdm', table: 'activities', where: { activity_type: 'canceled_setup_experience' }, present: true },
      { kind: 'row', party: 'device', table: 'esp_tracking', where: { provider: 'Fleet', state: 'failed' }, present: true },
    ];
  },
};
