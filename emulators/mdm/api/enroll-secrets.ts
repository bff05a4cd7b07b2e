import type { FastifyInstance } from 'fastify';
import type { MdmContext } from '../context.js';
import { fleetError, sendFleetError, sendFleetJson } from '../fleet-error.js';
import { insertEnrollSecret } from '../store/hosts.js';
import type { FleetEnrollSecret } from '../../protocols/fleet-api.js';
import { API_VERSIONS, JSON_DECODE_ERROR, guarded, invalidArgument, jsonObject } from './auth.js';

/** fleet.MaxEnrollSecretsCount (server/fleet/hosts.go). */
const MAX_ENROLL_SECRETS = 50;

/** GetEnrollSecretSpec (server/service/appconfig.go): the global secrets, oldest first. */
export function globalSecrets(ctx: MdmContext): FleetEnrollSecret[] {
  const rows = ctx.store.read((db) => db.prepare(`SELECT secret, created_at, team_id FROM enroll_secrets WHERE team_id IS NULL ORDER BY created_at ASC, secret ASC`).all()) as FleetEnrollSecret[];
  return rows.map((r) => ({ secret: r.secret, created_at: r.created_at, team_id: r.team_id }));
}

/** The `spec.secrets[].secret` strings of an apply body, or the error Fleet answers. */
function secretsOf(body: Record<string, unknown>): { ok: true; secrets: string[] } | { ok: false; status: number; error: ReturnType<typeof fleetError> } {
  const spec = body.spec;
  // applyEnrollSecretSpecRequest.Spec is a pointer: a missing spec is a nil dereference in Fleet (a 500); the lab says 400 (deviation).
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return { ok: false, status: 400, error: JSON_DECODE_ERROR };
  const list = (spec as { secrets?: unknown }).secrets ?? [];
  if (!Array.isArray(list)) return { ok: false, status: 400, error: JSON_DECODE_ERROR };
  const secrets: string[] = [];
  for (const s of list) {
    const v = s !== null && typeof s === 'object' ? (s as { secret?: unknown }).secret : undefined;
    if (v !== undefined && typeof v !== 'string') return { ok: false, status: 400, error: JSON_DECODE_ERROR };
    secrets.push(v ?? '');
  }
  // ApplyEnrollSecretSpec: more than MaxEnrollSecretsCount → InvalidArgumentError("secrets", "too many secrets"), 422.
  if (secrets.length > MAX_ENROLL_SECRETS) return { ok: false, status: 422, error: invalidArgument('secrets', 'too many secrets') };
  // ApplyEnrollSecretSpec: ctxerr.New "enroll secret must not be empty", a plain error: transport_error.go's 500.
  if (secrets.some((s) => s === '')) return { ok: false, status: 500, error: fleetError('enroll secret must not be empty') };
  return { ok: true, secrets };
}

export function registerEnrollSecrets(app: FastifyInstance, ctx: MdmContext): void {
  for (const v of API_VERSIONS) {
    const path = `/api/${v}/fleet/spec/enroll_secret`;
    app.get(path, guarded(ctx, (_req, reply) => sendFleetJson(reply, { spec: { secrets: globalSecrets(ctx) } })));
    app.post(
      path,
      guarded(ctx, (req, reply) => {
        const body = jsonObject(req);
        if (!body) return sendFleetError(reply, 400, JSON_DECODE_ERROR);
        const r = secretsOf(body);
        if (!r.ok) return sendFleetError(reply, r.status, r.error);
        // ?dry_run=true validates only (applyEnrollSecretSpecRequest.DryRun).
        if ((req.query as { dry_run?: string }).dry_run === 'true') return sendFleetJson(reply, {});
        // ds.ApplyEnrollSecrets(nil, secrets): the global list is replaced in one transaction; secrets[0] is what a fleetd install carries.
        ctx.store.tx((db) => {
          db.prepare(`DELETE FROM enroll_secrets WHERE team_id IS NULL`).run();
          for (const s of r.secrets) insertEnrollSecret(db, s, null, ctx.nowIso());
        });
        return sendFleetJson(reply, {});
      }),
    );
  }
}
