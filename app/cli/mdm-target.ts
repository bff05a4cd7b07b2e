import { readFileSync } from 'node:fs';
import type { ExternalMdm } from '../../emulators/scenarios/world.js';

/** The external-MDM options `run`, `serve` and `ui` share. */
export interface MdmTargetOpts {
  mdmUrl?: string;
  mdmToken?: string;
  mdmCa?: string;
  insecure?: boolean;
}

/**
 * `--mdm-url URL --mdm-token T [--mdm-ca FILE | --insecure]` checked: the target, undefined when none is asked,
 * or a usage error (exit 2) in one line. --insecure is announced loudly on stderr: every certificate is accepted.
 */
export function mdmTargetOption(opts: MdmTargetOpts, warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): ExternalMdm | undefined | Error {
  if (opts.mdmUrl === undefined) {
    if (opts.mdmToken !== undefined || opts.mdmCa !== undefined || opts.insecure) return new Error('--mdm-token, --mdm-ca and --insecure go with --mdm-url');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(opts.mdmUrl);
  } catch {
    return new Error(`--mdm-url ${opts.mdmUrl} is not a URL (https://host:port)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return new Error(`--mdm-url must be https://host:port, not ${url.protocol}`);
  if (!opts.mdmToken) return new Error('--mdm-url needs --mdm-token (a Fleet API token: an API-only user\'s, or serve --json\'s fleetApiToken)');
  if (opts.mdmCa !== undefined && opts.insecure) return new Error('--mdm-ca and --insecure exclude each other');
  let caPem: string | undefined;
  if (opts.mdmCa !== undefined) {
    try {
      caPem = readFileSync(opts.mdmCa, 'utf8');
    } catch (e) {
      return new Error(`--mdm-ca ${opts.mdmCa}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (!caPem.includes('-----BEGIN CERTIFICATE-----')) return new Error(`--mdm-ca ${opts.mdmCa} holds no PEM certificate`);
  }
  if (opts.insecure) warn(`WARNING: --insecure: the lab accepts EVERY certificate from ${url.origin}; its traffic could be read or changed by anyone on the path`);
  return { url: url.origin, token: opts.mdmToken, ...(caPem && { caPem }), ...(opts.insecure && { insecure: true }) };
}
