import { pickSeededPorts } from '../../emulators/lab/seeded-ports.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { labTlsFor, startWorld } from '../../emulators/scenarios/world.js';
import { serveInfo } from '../host/serve-info.js';
import { startLabPhone } from '../api/lab-phone.js';
import { fleetOption } from './run.js';
import { defaultKeyCacheDir } from '../host/session.js';
import { mdmTargetOption, type MdmTargetOpts } from './mdm-target.js';

interface ServeOpts extends MdmTargetOpts {
  json?: boolean;
  dataDir?: string;
  seed?: string;
  mdmPort?: number;
  entraPort?: number;
  labPort?: number;
  tls?: boolean;
  caOut?: string;
  fleet?: string;
}

/** Start the emulators (and the lab API, the user's phone) and keep them up until SIGINT/SIGTERM. */
export async function serveCommand(opts: ServeOpts): Promise<void> {
  const fleet = fleetOption(opts.fleet);
  if (fleet instanceof Error) {
    process.stderr.write(`${fleet.message}\n`);
    process.exitCode = 2;
    return;
  }
  const externalMdm = mdmTargetOption(opts);
  if (externalMdm instanceof Error) {
    process.stderr.write(`${externalMdm.message}\n`);
    process.exitCode = 2;
    return;
  }
  const seed = opts.seed ?? null;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'enrollscope-'));
  // --ca-out without --tls would hand out a CA no server uses: it asks for TLS.
  // A seeded lab reuses the RSA keys its seed made before (DESIGN.md "Clock and determinism"), as run does.
  const keyCacheDir = seed === null ? undefined : defaultKeyCacheDir();
  const tls = opts.tls || opts.caOut ? await labTlsFor(dataDir, { seed, ...(keyCacheDir && { keyCacheDir }) }) : null;
  let caFile: string | null = null;
  if (tls) {
    caFile = resolve(opts.caOut ?? join(dataDir, 'tls', 'lab-ca.pem'));
    if (opts.caOut) writeFileSync(caFile, tls.caPem);
  }
  const seededDefaults = seed !== null && opts.mdmPort === undefined && opts.entraPort === undefined ? ((await pickSeededPorts(seed)).ports ?? {}) : {};
  let world;
  try {
    world = await startWorld({
      dataDir,
      seed,
      tls,
      ...(keyCacheDir && { keyCacheDir }),
      ...(externalMdm && { externalMdm }),
      ...(fleet && { mdmSettings: { fleetProfile: fleet } }),
      // --seed without ports: the seed's ports (seeded-ports.ts), so the same seed serves the same URLs next time.
      ports: { ...seededDefaults, ...(opts.mdmPort !== undefined && { mdm: opts.mdmPort }), ...(opts.entraPort !== undefined && { entra: opts.entraPort }) },
    });
  } catch (e) {
    // The external Fleet refused the lab's setup (a wrong token, a TLS failure, no answer): one line, exit 2.
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  for (const note of world.mdmTarget.notes) process.stderr.write(`note: ${note}\n`);
  const phone = await startLabPhone({ world, tls, ...(opts.labPort !== undefined && { port: opts.labPort }) });
  const info = serveInfo(world, { labUrl: phone.url, labToken: phone.token, caFile });
  if (opts.json) process.stdout.write(`${JSON.stringify(info)}\n`);
  else {
    process.stdout.write(`Enrollscope emulators are up.\n  MDM server  ${info.mdm}  (${info.mdmExternal ? 'external' : `Fleet profile ${info.fleet}`})\n  Entra ID    ${info.entra ?? '(not running)'}\n`);
    if (info.tenantId) process.stdout.write(`  tenant      ${info.tenantId}\n`);
    if (info.mdmAppId) process.stdout.write(`  MDM app     ${info.mdmAppId}\n`);
    if (info.jwksUrl) process.stdout.write(`  JWKS        ${info.jwksUrl}\n`);
    for (const u of info.users) process.stdout.write(`  user        ${u.upn}  ${u.password}\n`);
    if (info.enrollSecret) process.stdout.write(`  enroll secret ${info.enrollSecret}\n`);
    process.stdout.write(`  Fleet API   ${info.mdm}/api/v1/fleet/hosts  (Authorization: Bearer ${info.fleetApiToken})\n`);
    process.stdout.write(`  lab API     ${info.labUrl}/api/entra/pending  (Authorization: Bearer ${info.labToken})\n`);
    if (info.caFile) process.stdout.write(`  lab CA      ${info.caFile}\n`);
    for (const [party, file] of Object.entries(info.db)) process.stdout.write(`  ${party} DB  ${file}\n`);
    process.stdout.write('Press Ctrl+C to stop.\n');
  }
  const stop = async () => {
    await phone.close();
    await world.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
