import { startWorld } from '../../emulators/scenarios/world.js';
import { serveInfo } from '../host/serve-info.js';

interface ServeOpts {
  json?: boolean;
  dataDir?: string;
  seed?: string;
  mdmPort?: number;
  entraPort?: number;
}

/** Start the emulators and keep them up until SIGINT/SIGTERM. */
export async function serveCommand(opts: ServeOpts): Promise<void> {
  const world = await startWorld({
    ...(opts.dataDir && { dataDir: opts.dataDir }),
    seed: opts.seed ?? null,
    ports: { ...(opts.mdmPort !== undefined && { mdm: opts.mdmPort }), ...(opts.entraPort !== undefined && { entra: opts.entraPort }) },
  });
  const info = serveInfo(world);
  if (opts.json) process.stdout.write(`${JSON.stringify(info)}\n`);
  else {
    process.stdout.write(`Enrollscope emulators are up.\n  MDM server  ${info.mdm}\n  Entra ID    ${info.entra ?? '(not running)'}\n`);
    if (info.tenantId) process.stdout.write(`  tenant      ${info.tenantId}\n`);
    for (const u of info.users) process.stdout.write(`  user        ${u.upn}  ${u.password}\n`);
    if (info.enrollSecret) process.stdout.write(`  enroll secret ${info.enrollSecret}\n`);
    for (const [party, file] of Object.entries(info.db)) process.stdout.write(`  ${party} DB  ${file}\n`);
    process.stdout.write('Press Ctrl+C to stop.\n');
  }
  const stop = async () => {
    await world.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
