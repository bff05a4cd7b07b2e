import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { FleetApiError, FleetClient } from '../../emulators/lab/fleet-client.js';
import { sendHttp } from '../../emulators/lab/client.js';
import { UNRECORDED_ADMIN } from '../../emulators/lab/context.js';
import { Lab } from '../../emulators/lab/lab.js';
import { pickSeededPorts } from '../../emulators/lab/seeded-ports.js';
import { startEntraServer } from '../../emulators/entra/server.js';
import { labTlsFor } from '../../emulators/scenarios/world.js';
import type { FleetAppConfig } from '../../emulators/protocols/fleet-api.js';

/**
 * `enrollscope doctor`: checks an external Fleet before a run. Each check is read-only (GETs on Fleet's REST API, one
 * TLS handshake, one JWKS fetch from the lab); nothing is recorded and nothing is changed on either side.
 */
export interface DoctorOptions {
  /** The Fleet under test (`https://host:port`). */
  mdmUrl: string;
  mdmToken: string;
  /** The CA (PEM) that issued Fleet's certificate (--mdm-ca); Node's default store otherwise. */
  mdmCaPem?: string;
  /** Where the CA came from, named in the lines (the --mdm-ca file). */
  mdmCaFile?: string;
  /** --insecure: Fleet's certificate is not verified. */
  insecure?: boolean;
  /** The lab's Entra as a run sees it; each field missing is taken from the embedded Entra doctor starts. */
  tenantId?: string;
  mdmAppId?: string;
  jwksUrl?: string;
  /** The CA the lab's Entra serves on (for fetching its JWKS over https); default the --mdm-ca. */
  labCaPem?: string;
  /** For the embedded Entra doctor starts: the run's seed (same tenant, ids and seeded port as `run --seed`) and --tls. */
  seed?: string | null;
  tls?: boolean;
  timeoutMs?: number;
}

export type CheckStatus = 'ok' | 'missing' | 'set';

export interface DoctorCheck {
  id: string;
  /** ok: as a run needs it; missing: a setting to change (the line says which and how); set: what Fleet's API cannot show, to set by hand. */
  status: CheckStatus;
  message: string;
}

export interface DoctorReport {
  ok: boolean;
  target: string;
  /** A target the lab cannot talk to at all (unreachable, TLS, token): the one line that says why; no checks then. */
  fatal: DoctorCheck | null;
  lab: { tenantId: string; mdmAppId: string; jwksUrl: string } | null;
  checks: DoctorCheck[];
}

class Fatal extends Error {
  constructor(readonly id: string, message: string) {
    super(message);
  }
}

const sans = (cert: PeerCertificate): string =>
  (cert.subjectaltname ?? '')
    .split(/,\s*/)
    .filter(Boolean)
    .map((s) => s.replace(/^IP Address:/, '').replace(/^DNS:/, ''))
    .join(', ') || '(no subjectAltName)';
const dn = (o: Record<string, string | string[]> | undefined): string =>
  o ? Object.entries(o).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(', ') : '(none)';

/** Node's errno codes for a connection that never got anywhere, in an admin's words. */
function unreachable(hostPort: string, e: NodeJS.ErrnoException, timeoutMs: number): Fatal {
  const why: Record<string, string> = {
    ENOTFOUND: `the name does not resolve (DNS): check the host in --mdm-url`,
    EAI_AGAIN: `the name does not resolve (DNS answered "try again"): check the host in --mdm-url and the DNS server`,
    ECONNREFUSED: `connection refused: nothing listens on that port; is fleet serve running and is the port in --mdm-url its listen port?`,
    EHOSTUNREACH: `no route to the host: check the network (a VM's host-only adapter, a firewall)`,
    ENETUNREACH: `the network is unreachable: check the address in --mdm-url`,
    ECONNRESET: `the connection was reset before TLS finished: is it an https port (fleet serve --server_tls)?`,
    ETIMEDOUT: `no answer within ${timeoutMs} ms: a firewall drops the packets, or the host is down`,
  };
  return new Fatal('reachable', `cannot reach ${hostPort}: ${why[e.code ?? ''] ?? e.message}`);
}

/**
 * One handshake to Fleet's port, verified as Node verifies (the CA chain, then the name, RFC 6125 via
 * tls.checkServerIdentity); the peer certificate is read so a failure names its subject, SANs, issuer or dates.
 */
async function probe(url: URL, o: DoctorOptions, timeoutMs: number): Promise<string> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const hostPort = `${url.hostname}:${port}`;
  if (url.protocol === 'http:') {
    await new Promise<void>((resolve, reject) => {
      const s = netConnect({ host, port, timeout: timeoutMs }, () => (s.destroy(), resolve()));
      s.on('timeout', () => s.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      s.on('error', (e: NodeJS.ErrnoException) => reject(unreachable(hostPort, e, timeoutMs)));
    });
    return `${url.origin} answers (plain HTTP: Windows enrolls over https only)`;
  }
  const socket = await new Promise<TLSSocket>((resolve, reject) => {
    // The handshake completes unverified only so the certificate can be described; the verdict is computed below.
    const s = tlsConnect({ host, port, timeout: timeoutMs, rejectUnauthorized: false, ...(o.mdmCaPem && { ca: o.mdmCaPem }), ...(!/^[\d.]+$|:/.test(host) && { servername: host }) }, () => resolve(s));
    s.on('timeout', () => s.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    s.on('error', (e: NodeJS.ErrnoException) => reject(/^ERR_SSL|EPROTO/.test(e.code ?? '') ? new Fatal('tls', `TLS handshake with ${hostPort} failed (${e.message.trim()}): is it an https port?`) : unreachable(hostPort, e, timeoutMs)));
  });
  const cert = socket.getPeerCertificate();
  const authError = socket.authorizationError as (Error & { code?: string }) | string | null;
  socket.destroy();
  if (o.insecure) return `${url.origin} answers over TLS (certificate not verified: --insecure; it is for ${sans(cert)})`;
  const code = typeof authError === 'string' ? authError : (authError?.code ?? authError?.message ?? null);
  // Node already ran checkServerIdentity when it reports this code; the name check below words it.
  if (code && code !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
    if (code === 'CERT_HAS_EXPIRED') throw new Fatal('tls', `Fleet's certificate (${sans(cert)}) expired on ${cert.valid_to}: renew it (fleet serve --server_tls_cert)`);
    if (code === 'CERT_NOT_YET_VALID') throw new Fatal('tls', `Fleet's certificate (${sans(cert)}) is valid only from ${cert.valid_from}: check this machine's clock or reissue it`);
    const issuer = dn(cert.issuer as unknown as Record<string, string>);
    const caHint = o.mdmCaFile ? `--mdm-ca ${o.mdmCaFile} did not issue it; pass` : 'pass';
    throw new Fatal('tls', `Fleet's certificate is not trusted (${code}): ${caHint} --mdm-ca FILE with the CA certificate of issuer "${issuer}" (PEM), or --insecure`);
  }
  const mismatch = checkServerIdentity(host, cert);
  if (mismatch) throw new Fatal('tls', `Fleet's certificate is for ${sans(cert)} (subject ${dn(cert.subject as unknown as Record<string, string>)}), not ${host}: use one of those names in --mdm-url`);
  return `${url.origin} answers over TLS (certificate for ${sans(cert)}${o.mdmCaFile ? `, issued by --mdm-ca ${o.mdmCaFile}` : ''})`;
}

/** A Fleet API failure on a read that every run needs: its status in an admin's words. */
function apiFatal(e: unknown, what: string): Fatal {
  if (e instanceof FleetApiError) {
    if (e.status === 401)
      return new Fatal('token', `the API token is wrong or expired (${what}: 401): get a new one with POST /api/v1/fleet/login {"email":…,"password":…} (its "token"), or fleetctl user create --api-only, and pass it as --mdm-token`);
    if (e.status === 403) return new Fatal('token', `the API token's user may not read this (${what}: 403): use an admin's token (global role admin)`);
    if (e.status === 404) return new Fatal('token', `${what} answered 404: is --mdm-url a Fleet server (not a proxy path or another service)?`);
    return new Fatal('token', `${what} answered ${e.status}: ${e.message}`);
  }
  return new Fatal('reachable', `${what} failed: ${(e as Error).message}`);
}

/** The lab's Entra as a run would start it, on a throwaway folder: its tenant id, MDM app id and JWKS URL. */
async function withEmbeddedEntra<T>(o: DoctorOptions, fn: (entra: { tenantId: string; mdmAppId: string; jwksUrl: string; caPem?: string }) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'enrollscope-doctor-'));
  try {
    const seed = o.seed ?? null;
    const tls = o.tls ? await labTlsFor(dir, { seed }) : null;
    const lab = new Lab({ dataDir: dir, seed, tls });
    // The seed's Entra port (seeded-ports.ts), as `run --seed` and `serve --seed` use: the JWKS URL Fleet is told stays right.
    const port = seed === null ? undefined : (await pickSeededPorts(seed)).ports?.entra;
    const entra = await startEntraServer({ lab, ...(port !== undefined && { port }) });
    try {
      return await fn({ tenantId: entra.tenantId, mdmAppId: entra.mdmAppId, jwksUrl: entra.jwksUrl, ...(tls && { caPem: tls.caPem }) });
    } finally {
      await entra.close();
      lab.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const patchLine = (patch: unknown): string => `PATCH /api/v1/fleet/config ${JSON.stringify(patch)}`;

/** The settings checks on a config Fleet answered; pure, so each missing setting is its own line. */
export function configChecks(cfg: FleetAppConfig, target: URL, lab: { tenantId: string; mdmAppId: string; jwksUrl: string }): DoctorCheck[] {
  const out: DoctorCheck[] = [];
  const mdm = cfg.mdm;
  // Every Windows MDM route answers 400 "MDM features aren't turned on" while this is off (server/service/microsoft_mdm.go).
  out.push(
    mdm?.windows_enabled_and_configured
      ? { id: 'windows-mdm', status: 'ok', message: 'Windows MDM is on (mdm.windows_enabled_and_configured)' }
      : { id: 'windows-mdm', status: 'missing', message: `Windows MDM is off: ${patchLine({ mdm: { windows_enabled_and_configured: true } })} (UI: Settings > Integrations > MDM > Windows > Turn on)` },
  );
  // authBinarySecurityToken refuses an Azure JWT whose tid is not one of mdm.windows_entra_tenant_ids (reference fleet.md §2.5).
  const tenants = mdm?.windows_entra_tenant_ids ?? [];
  out.push(
    tenants.includes(lab.tenantId)
      ? { id: 'entra-tenant', status: 'ok', message: `the lab's Entra tenant ${lab.tenantId} is in mdm.windows_entra_tenant_ids` }
      : { id: 'entra-tenant', status: 'missing', message: `the lab's Entra tenant ${lab.tenantId} is not in mdm.windows_entra_tenant_ids (${tenants.length ? tenants.join(', ') : 'empty'}): ${patchLine({ mdm: { windows_entra_tenant_ids: [...tenants, lab.tenantId] } })}` },
  );
  // Discovery and the enrollment policy/enroll URLs are built from server_settings.server_url (server/service/microsoft_mdm.go).
  const serverUrl = cfg.server_settings?.server_url ?? '';
  let serverOrigin = '';
  try {
    serverOrigin = new URL(serverUrl).origin;
  } catch {
    serverOrigin = '';
  }
  const sameServer = serverOrigin === target.origin;
  out.push(
    sameServer
      ? { id: 'server-url', status: 'ok', message: `server_settings.server_url is ${serverUrl}, where the lab reaches Fleet` }
      : { id: 'server-url', status: 'missing', message: `server_settings.server_url is ${serverUrl || '(empty)'}, but the lab reaches Fleet at ${target.origin}: discovery sends the device there. ${patchLine({ server_settings: { server_url: target.origin } })}, or run with --mdm-url ${serverUrl || target.origin}` },
  );
  // hasAuthorizedAzureAudience (server/mdm/microsoft/wstep.go): an aud that is one of windows_entra_client_ids, or whose host:port is server_url's.
  const clients = mdm?.windows_entra_client_ids ?? [];
  out.push(
    clients.includes(lab.mdmAppId) || sameServer
      ? { id: 'entra-audience', status: 'ok', message: clients.includes(lab.mdmAppId) ? `the lab's MDM app id ${lab.mdmAppId} is in mdm.windows_entra_client_ids` : `Fleet accepts the device's MDM token for ${target.origin} (its host:port is server_url's)` }
      : { id: 'entra-audience', status: 'missing', message: `Fleet would refuse the device's MDM token: its audience is neither server_url's host:port nor in mdm.windows_entra_client_ids: ${patchLine({ mdm: { windows_entra_client_ids: [...clients, lab.mdmAppId] } })}` },
  );
  // EnrollOrbit gates on mdm.macos_setup.enable_end_user_authentication and sends the user to the IdP (reference fleet.md §4.2).
  const eua = mdm?.macos_setup?.enable_end_user_authentication === true;
  const metadata = mdm?.end_user_authentication?.metadata_url ?? '';
  const labMetadata = `${new URL(lab.jwksUrl).origin}/${lab.tenantId}/federationmetadata/2007-06/federationmetadata.xml`;
  out.push(
    !eua
      ? { id: 'end-user-auth', status: 'ok', message: 'end-user authentication is off (mdm.macos_setup.enable_end_user_authentication): orbit enrolls without the IdP' }
      : metadata
        ? { id: 'end-user-auth', status: 'ok', message: `end-user authentication is on, IdP metadata ${metadata}` }
        : { id: 'end-user-auth', status: 'missing', message: `end-user authentication is on but no IdP is set: ${patchLine({ mdm: { end_user_authentication: { metadata_url: labMetadata } } })} (real Fleet also wants entity_id and identity_provider_name there)` },
  );
  return out;
}

async function checksAgainst(o: DoctorOptions, target: URL, lab: { tenantId: string; mdmAppId: string; jwksUrl: string; caPem?: string }, timeoutMs: number): Promise<DoctorCheck[]> {
  const reach = await probe(target, o, timeoutMs);
  const fleet = new FleetClient({ url: target.origin, token: o.mdmToken, timeoutMs, ...(o.mdmCaPem && { caPem: o.mdmCaPem }), ...(o.insecure && { insecure: true }) });
  let cfg: FleetAppConfig;
  try {
    cfg = await fleet.config();
  } catch (e) {
    throw apiFatal(e, 'GET /api/v1/fleet/config');
  }
  const checks: DoctorCheck[] = [
    { id: 'reachable', status: 'ok', message: reach },
    { id: 'token', status: 'ok', message: 'the API token is accepted (GET /api/v1/fleet/config)' },
    ...configChecks(cfg, target, lab),
  ];
  // Orbit enrolls with a global enroll secret (POST /api/fleet/orbit/enroll, reference fleet.md §4.1).
  try {
    const secrets = await fleet.enrollSecrets();
    checks.push(
      secrets.length > 0
        ? { id: 'enroll-secret', status: 'ok', message: `the global enroll secret is readable (${secrets.length} secret${secrets.length === 1 ? '' : 's'})` }
        : { id: 'enroll-secret', status: 'missing', message: 'Fleet has no global enroll secret: POST /api/v1/fleet/spec/enroll_secret {"spec":{"secrets":[{"secret":"…"}]}} (or fleetctl apply an enroll_secret spec)' },
    );
  } catch (e) {
    const status = e instanceof FleetApiError ? e.status : 0;
    checks.push({ id: 'enroll-secret', status: 'missing', message: `GET /api/v1/fleet/spec/enroll_secret ${status ? `answered ${status}` : `failed: ${(e as Error).message}`}: orbit needs the enroll secret; use a token of a global admin or maintainer` });
  }
  // The device's Azure JWT is checked against the JWKS Fleet fetches (FLEET_DEV_AZURE_JWT_JWKS_URI in dev mode, reference fleet.md §1.4).
  try {
    const { record } = await sendHttp({ method: 'GET', url: lab.jwksUrl, headers: { accept: 'application/json' }, body: '' }, UNRECORDED_ADMIN, timeoutMs, lab.caPem ?? o.labCaPem ?? o.mdmCaPem);
    const keys = record.status === 200 ? ((JSON.parse(record.body) as { keys?: unknown[] }).keys ?? []) : [];
    checks.push(
      keys.length > 0
        ? { id: 'jwks', status: 'ok', message: `the lab's JWKS answers at ${lab.jwksUrl} (${keys.length} key${keys.length === 1 ? '' : 's'})` }
        : { id: 'jwks', status: 'missing', message: `the lab's JWKS at ${lab.jwksUrl} answered ${record.status} with no keys: is the lab's Entra the one the run uses?` },
    );
  } catch (e) {
    checks.push({ id: 'jwks', status: 'missing', message: `the lab's JWKS at ${lab.jwksUrl} is not reachable from the lab (${(e as Error).message}): start the lab's Entra (serve --tls) or pass --jwks-url` });
  }
  // Fleet's API does not show which JWKS it uses: the line to start it with, always.
  checks.push({ id: 'fleet-jwks-env', status: 'set', message: `Fleet must fetch the lab's keys (its API cannot show this): start it as FLEET_DEV_AZURE_JWT_JWKS_URI=${lab.jwksUrl} fleet serve --dev …${lab.jwksUrl.startsWith('https:') ? ' with SSL_CERT_FILE=<the lab CA PEM> so Go trusts the lab CA' : ''}` });
  return checks;
}

/** Run every check; the report is complete before anything is printed. */
export async function runDoctor(o: DoctorOptions): Promise<DoctorReport> {
  const timeoutMs = o.timeoutMs ?? 5_000;
  let target: URL;
  try {
    target = new URL(o.mdmUrl);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    return { ok: false, target: o.mdmUrl, fatal: { id: 'url', status: 'missing', message: `--mdm-url ${o.mdmUrl} is not an http(s) URL: pass https://host:port` }, lab: null, checks: [] };
  }
  const run = async (lab: { tenantId: string; mdmAppId: string; jwksUrl: string; caPem?: string }): Promise<DoctorReport> => {
    const labFacts = { tenantId: lab.tenantId, mdmAppId: lab.mdmAppId, jwksUrl: lab.jwksUrl };
    try {
      const checks = await checksAgainst(o, target, lab, timeoutMs);
      return { ok: checks.every((c) => c.status !== 'missing'), target: target.origin, fatal: null, lab: labFacts, checks };
    } catch (e) {
      if (!(e instanceof Fatal)) throw e;
      return { ok: false, target: target.origin, fatal: { id: e.id, status: 'missing', message: e.message }, lab: labFacts, checks: [] };
    }
  };
  if (o.tenantId && o.mdmAppId && o.jwksUrl) return run({ tenantId: o.tenantId, mdmAppId: o.mdmAppId, jwksUrl: o.jwksUrl });
  return withEmbeddedEntra(o, (e) => run({ tenantId: o.tenantId ?? e.tenantId, mdmAppId: o.mdmAppId ?? e.mdmAppId, jwksUrl: o.jwksUrl ?? e.jwksUrl, ...(e.caPem && !o.jwksUrl && { caPem: e.caPem }) }));
}

/** The report as text: one line per check, or the one fatal line. */
export function formatDoctor(r: DoctorReport): string {
  if (r.fatal) return `doctor: ${r.fatal.message}\n`;
  const width = Math.max(...r.checks.map((c) => c.id.length));
  const lines = r.checks.map((c) => `${c.status.padEnd(7)} ${c.id.padEnd(width)}  ${c.message}`);
  const missing = r.checks.filter((c) => c.status === 'missing').length;
  lines.push(missing === 0 ? `Fleet at ${r.target} is ready for run --mdm-url ${r.target}.` : `${missing} setting${missing === 1 ? '' : 's'} to change before a run against ${r.target}.`);
  return `${lines.join('\n')}\n`;
}
