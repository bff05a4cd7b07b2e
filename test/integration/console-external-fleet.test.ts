import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Session } from '../../app/host/session.js';
import { FleetClient } from '../../emulators/lab/fleet-client.js';
import type { ExternalMdm } from '../../emulators/scenarios/world.js';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.js';
import { ENTRA_PATHS } from '../../emulators/protocols/paths/entra.js';
import { freePort } from '../helpers/ports.js';


/**
 * The trainer's console against an external Fleet: the embedded MDM server in its own process, once with the lab's
 * API (enrollscope serve) and once with only what a real Fleet serves (serve --fleet-api-only). The console reads
 * and changes Fleet through Fleet's REST API; what only the lab's API can do is refused with Fleet's own answer.
 */
const dir = mkdtempSync(join(tmpdir(), 'enrollscope-console-external-'));
let plain: ServeProcess;
let target: ExternalMdm;
/** The port the session's Entra takes: the Fleet is started knowing its JWKS URL, as an operator starts a real one. */
let entraPort: number;

beforeAll(async () => {
  entraPort = await freePort();
  // Unseeded: a Fleet without the lab's API reads the wall clock, so the run's lab clock must be the wall clock too.
  plain = await startServeProcess(['--tls', '--fleet-api-only', '--data-dir', join(dir, 'fleet')], { FLEET_DEV_AZURE_JWT_JWKS_URI: `http://127.0.0.1:${entraPort}${ENTRA_PATHS.keys('common', '2.0')}` });
  target = { url: plain.info.mdm, token: plain.info.fleetApiToken, caPem: readFileSync(plain.info.caFile!, 'utf8') };
}, 60_000);

afterAll(async () => {
  await plain?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('serve --fleet-api-only', () => {
  it("answers the lab's API with Go's plain 404, as a real Fleet does, and Fleet's API as before", async () => {
    const fleet = new FleetClient(target);
    expect(await fleet.hasLabApi()).toBe(false);
    expect((await fleet.config()).mdm.windows_enabled_and_configured).toBe(true);
  });
});

describe("the trainer's console against a Fleet without the lab's API", () => {
  let session: Session;
  beforeAll(async () => {
    session = await Session.start({ seed: null, externalMdm: target, ports: { entra: entraPort } });
    await session.run('autopilot-eua', {}, false);
    await session.settled();
  }, 120_000);
  afterAll(async () => {
    await session?.close();
  });

  it('the run enrolled against it', () => {
    expect(session.state()).toMatchObject({ status: 'done', error: null });
  });

  it("reads Fleet's settings from GET /config; the switches of Fleet's server config are unknown (null)", async () => {
    expect(await session.console.mdmSettings()).toEqual({ windowsMdmEnabled: true, endUserAuthEnabled: expect.any(Boolean), euaTokenEnabled: null, allowOrbitEndUserAuthBypass: null });
  });

  it("refuses a server-config switch with the lab API's absence named, and changes nothing", async () => {
    const before = await new FleetClient(target).config();
    await expect(session.console.updateMdmSettings({ euaTokenEnabled: false })).rejects.toThrow(/needs the lab's own MDM API/);
    expect(await new FleetClient(target).config()).toEqual(before);
  });

  it('queues an <Exec> through POST /api/v1/fleet/commands/run; the device gets it in its next session', async () => {
    const exec = '<Exec><CmdID>6c0b0a8e-0d1f-4c61-9d0e-2b8a3c7e1f01</CmdID><Item><Target><LocURI>./Device/Vendor/MSFT/Reboot/RebootNow</LocURI></Target></Item></Exec>';
    const q = await session.console.queueCommand(exec);
    expect(q).toMatchObject({ commandUuid: '6c0b0a8e-0d1f-4c61-9d0e-2b8a3c7e1f01', targetLocUri: './Device/Vendor/MSFT/Reboot/RebootNow' });
    const queued = session.steps().at(-1)!;
    expect(queued).toMatchObject({ catalogId: 'console.queue-command', status: 'done' });
    const before = session.steps().length;
    await session.console.syncDevice();
    const sent = session.steps().slice(before).find((s) => s.to === 'device' || (s.response?.body ?? '').includes('6c0b0a8e-0d1f-4c61-9d0e-2b8a3c7e1f01'));
    expect(sent?.response?.body).toContain('./Device/Vendor/MSFT/Reboot/RebootNow');
  });

  it("refuses a <Get> with Fleet's own 422 (commands/run takes only <Exec>) and queues nothing", async () => {
    const before = session.steps().length;
    await expect(session.console.queueCommand('<Get><CmdID>g-1</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>')).rejects.toThrow(
      /POST \/api\/v1\/fleet\/commands\/run: 422 Validation Failed: You can run only <Exec> command type\./,
    );
    expect(session.steps().slice(before).map((s) => [s.catalogId, s.status])).toEqual([['console.queue-command', 'error']]);
  });

  it('provisions a SCIM user through Fleet\'s SCIM API', async () => {
    const u = await session.console.createScimUser('trainer.scim@contoso.example', ['trainer.scim@contoso.example']);
    expect(u).toMatchObject({ ok: true, userName: 'trainer.scim@contoso.example' });
    expect((await new FleetClient(target).scimUsers('trainer.scim@contoso.example')).map((x) => x.userName)).toEqual(['trainer.scim@contoso.example']);
  });
});
