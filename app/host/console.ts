import type { EntraPending, MdmSettingsPatch, MdmSettingsView, QueuedCommand, ScimUserCreated } from '../contract.js';
import { readSettings } from '../../emulators/mdm/settings.js';
import { FleetApiError } from '../../emulators/lab/fleet-client.js';
import { fleetClient } from '../../emulators/scenarios/world.js';
import type { LiveRun } from './live-run.js';

/** The session cannot do that now (a run is in progress, or there is no device yet): HTTP 409. */
export class SessionBusyError extends Error {}

/** A saved run is on screen: the console would act on the live world hidden behind it, so it refuses (HTTP 409). */
export class SavedRunOpenError extends SessionBusyError {
  constructor() {
    super('a saved run is open: go back to the live lab before using the console');
  }
}

/** What the console needs from the session. */
export interface ConsoleHost {
  /** The live run, or null while a saved run is shown instead. */
  liveRun(): LiveRun | null;
  /** Settings the user flipped: every new world (Run, Reset) starts with them, as a real server keeps its config. */
  keepSettings(patch: MdmSettingsPatch): void;
}

/**
 * The trainer's console: talk to the MDM server, Entra and the run's device after (or between) runs. Every call
 * acts on the live world only, and answers once its work is done, with its result or its error.
 */
export class TrainerConsole {
  constructor(private readonly host: ConsoleHost) {}

  private requireLive(): LiveRun {
    const run = this.host.liveRun();
    if (!run) throw new SavedRunOpenError();
    return run;
  }

  private requireIdle(): LiveRun {
    const run = this.requireLive();
    if (run.busy) throw new SessionBusyError('a run is in progress: wait for it to end, or reset');
    return run;
  }

  private runDevice(run: LiveRun) {
    const device = run.world.devices.at(-1);
    if (!device || !device.state.get('enrollment')) throw new SessionBusyError('no enrolled device in this run: run a scenario first');
    return device;
  }

  /**
   * Queue a SyncML command for the run's device; it is sent in the device's next management session. Any verb goes
   * through the lab's own API; a Fleet without it (a real Fleet) takes an <Exec> through POST commands/run only.
   */
  async queueCommand(raw: string): Promise<QueuedCommand> {
    const run = this.requireIdle();
    const hardware = this.runDevice(run).hardware;
    const deviceId = hardware.mdmDeviceId;
    const fleet = fleetClient(run.world);
    if (run.world.mdmTarget.labApi) {
      const q = await run.lab.local({ party: 'mdm', catalogId: 'console.queue-command', detail: { raw } }, () => fleet.queueRawCommand(deviceId, raw));
      return { commandUuid: q.command_uuid, targetLocUri: q.target_loc_uri, deviceId };
    }
    // Fleet answers any other verb with its own 422 (fleet.ParseWindowsMDMCommand, server/fleet/microsoft_mdm.go).
    // Fleet's host is the device's SMBIOS UUID (orbit enroll's hardware_uuid).
    const q = await run.lab.local({ party: 'mdm', catalogId: 'console.queue-command', detail: { raw, via: 'POST /api/v1/fleet/commands/run' } }, () => fleet.runCommand(raw, [hardware.hardwareUuid]));
    return { commandUuid: q.command_uuid, targetLocUri: q.request_type, deviceId };
  }

  /** The run's device starts a management session now (as when its poll timer fires). */
  async syncDevice(): Promise<void> {
    const run = this.requireIdle();
    const device = this.runDevice(run);
    await run.whileRunning(() => device.syncManagement());
  }

  /** Provision a SCIM user into the MDM server (as an IdP's SCIM client would); answers once it exists. */
  async createScimUser(userName: string, emails: string[]): Promise<ScimUserCreated> {
    const run = this.requireIdle();
    const user = await run.lab.local({ party: 'mdm', catalogId: 'console.scim-user', title: `Lab: SCIM user ${userName} is provisioned` }, async () => {
      try {
        return await fleetClient(run.world).createScimUser({ userName, emails: emails.map((value, i) => ({ value, primary: i === 0, type: 'work' })) });
      } catch (e) {
        // SCIM's 409 uniqueness (users.go Create): say which user.
        if (e instanceof FleetApiError && e.status === 409) throw new Error(`a SCIM user named ${userName} already exists (SCIM 409 uniqueness)`);
        throw e;
      }
    });
    return { ok: true, id: Number(user.id), userName: user.userName };
  }

  /**
   * The server's switches: the embedded server's settings; an external Fleet's GET /config, and its server-config
   * switches through the lab's API where it has one (null: a real Fleet shows them in no API).
   */
  async mdmSettings(): Promise<MdmSettingsView> {
    const run = this.requireLive();
    const embedded = run.world.mdmTarget.embedded;
    if (embedded) {
      const s = readSettings(embedded.ctx.store);
      return { euaTokenEnabled: s.euaTokenEnabled, endUserAuthEnabled: s.endUserAuthEnabled, allowOrbitEndUserAuthBypass: s.allowOrbitEndUserAuthBypass, windowsMdmEnabled: s.windowsMdmEnabled };
    }
    const fleet = fleetClient(run.world);
    const [config, lab] = await Promise.all([fleet.config(), run.world.mdmTarget.labApi ? fleet.labSwitches() : null]);
    return {
      euaTokenEnabled: lab?.euaTokenEnabled ?? null,
      endUserAuthEnabled: config.mdm.macos_setup.enable_end_user_authentication,
      allowOrbitEndUserAuthBypass: lab?.allowOrbitEndUserAuthBypass ?? null,
      windowsMdmEnabled: config.mdm.windows_enabled_and_configured,
    };
  }

  /** Fleet's config through PATCH /api/v1/fleet/config; the switches Fleet keeps in server config through the lab API. */
  async updateMdmSettings(patch: MdmSettingsPatch): Promise<MdmSettingsView> {
    const run = this.requireIdle();
    const fleet = fleetClient(run.world);
    const { windowsMdmEnabled, endUserAuthEnabled, euaTokenEnabled, allowOrbitEndUserAuthBypass } = patch;
    const mdm = {
      ...(windowsMdmEnabled !== undefined && { windows_enabled_and_configured: windowsMdmEnabled }),
      ...(endUserAuthEnabled !== undefined && { macos_setup: { enable_end_user_authentication: endUserAuthEnabled } }),
    };
    const lab = { ...(euaTokenEnabled !== undefined && { euaTokenEnabled }), ...(allowOrbitEndUserAuthBypass !== undefined && { allowOrbitEndUserAuthBypass }) };
    if (Object.keys(mdm).length > 0) await fleet.updateConfig({ mdm });
    if (Object.keys(lab).length > 0) await fleet.setLabSwitches(lab);
    this.host.keepSettings(patch);
    return this.mdmSettings();
  }

  /** Device codes and MFA requests waiting for the user (an outside client's sign-in, or a held scenario). */
  entraPending(): EntraPending {
    const e = this.requireLive().world.entra;
    return { deviceCodes: e.pendingDeviceCodes(), mfa: e.pendingMfa(), users: e.users.map((u) => ({ upn: u.upn, mfa: u.mfa })) };
  }

  /** The user answers an MFA push in the lab (approve or deny); recorded as a step from the user to Entra. */
  answerMfa(id: string, approve: boolean): EntraPending {
    this.requireLive().world.entra.resolveMfa(id, approve);
    return this.entraPending();
  }

  /** The user enters a device code and signs in as `upn`, or declines it. */
  answerDeviceCode(userCode: string, answer: { upn?: string; deny?: boolean }): EntraPending {
    const entra = this.requireLive().world.entra;
    if (answer.deny) entra.denyDeviceCode(userCode);
    else if (answer.upn) entra.approveDeviceCode(userCode, answer.upn);
    else throw new Error('say which user signs in (upn), or deny');
    return this.entraPending();
  }
}
