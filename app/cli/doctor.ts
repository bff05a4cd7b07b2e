import { readFileSync } from 'node:fs';
import { formatDoctor, runDoctor, type DoctorOptions } from '../host/doctor.js';

interface DoctorCliOpts {
  mdmUrl: string;
  mdmToken: string;
  mdmCa?: string;
  insecure?: boolean;
  json?: boolean;
  tenantId?: string;
  mdmAppId?: string;
  jwksUrl?: string;
  labCa?: string;
  seed?: string;
  tls?: boolean;
  timeout?: number;
}

/** `enrollscope doctor`: exit 0 when the external Fleet is ready for a run, 2 otherwise (each missing setting one line). */
export async function doctorCommand(opts: DoctorCliOpts): Promise<void> {
  const fail = (message: string) => {
    process.stderr.write(`doctor: ${message}\n`);
    process.exitCode = 2;
  };
  if (opts.mdmCa && opts.insecure) return fail('--mdm-ca and --insecure exclude each other: trust a CA or verify nothing');
  const read = (flag: string, file: string | undefined): string | undefined | Error => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      return new Error(`${flag} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  };
  const mdmCaPem = read('--mdm-ca', opts.mdmCa);
  if (mdmCaPem instanceof Error) return fail(mdmCaPem.message);
  const labCaPem = read('--lab-ca', opts.labCa);
  if (labCaPem instanceof Error) return fail(labCaPem.message);
  const o: DoctorOptions = {
    mdmUrl: opts.mdmUrl,
    mdmToken: opts.mdmToken,
    ...(mdmCaPem !== undefined && { mdmCaPem, mdmCaFile: opts.mdmCa }),
    ...(labCaPem !== undefined && { labCaPem }),
    ...(opts.insecure && { insecure: true }),
    ...(opts.tenantId && { tenantId: opts.tenantId }),
    ...(opts.mdmAppId && { mdmAppId: opts.mdmAppId }),
    ...(opts.jwksUrl && { jwksUrl: opts.jwksUrl }),
    seed: opts.seed ?? null,
    ...(opts.tls && { tls: true }),
    ...(opts.timeout !== undefined && { timeoutMs: opts.timeout }),
  };
  let report;
  try {
    report = await runDoctor(o);
  } catch (e) {
    // What no check words (the lab's own Entra not starting: a port, the temporary folder): one line, nothing before it.
    return fail(`could not finish the checks: ${(e as Error).message}`);
  }
  // The whole report is made before one write: nothing half-printed on a failure.
  if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else (report.fatal ? process.stderr : process.stdout).write(formatDoctor(report));
  process.exitCode = report.ok ? 0 : 2;
}
