import type { FastifyInstance, FastifyReply } from 'fastify';
import type { MdmContext } from '../context.js';
import type { Db } from '../../lab/store.js';
import { insertScimUser, type NewScimUser } from '../store/scim.js';
import { SCIM_ERROR_SCHEMA, SCIM_LIST_SCHEMA, SCIM_USER_SCHEMA, type ScimError, type ScimUserResource } from '../../protocols/fleet-api.js';
import { API_VERSIONS, guarded, jsonObject } from './auth.js';

/**
 * SCIM 2.0 Users as Fleet serves them (server/mdm/scim/scim.go on the elimity-com/scim handler, users.go
 * UserHandler): create, list with a `userName eq "…"` filter, get, delete. Bodies are application/scim+json; errors
 * are RFC 7644 §3.12 Error messages with elimity's texts.
 */

const SCIM_TYPE = 'application/scim+json';

function sendScim(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', SCIM_TYPE).send(JSON.stringify(body));
}

function scimError(status: number, detail: string, scimType?: string): ScimError {
  return { schemas: [SCIM_ERROR_SCHEMA], status: String(status), ...(scimType && { scimType }), detail };
}

/** elimity errors.ScimErrorInvalidValue (RFC 7644 §3.12 invalidValue). */
const INVALID_VALUE = scimError(400, 'A required value was missing, or the value specified was not compatible with the operation or attribute type, or resource schema.', 'invalidValue');
/** elimity errors.ScimErrorUniqueness: users.go Create finds the userName taken. */
const UNIQUENESS = scimError(409, 'One or more of the attribute values are already in use or are reserved.', 'uniqueness');
/** elimity errors.ScimErrorInvalidSyntax: the body is not JSON. */
const INVALID_SYNTAX = scimError(400, 'The request body message structure was invalid or did not conform to the request schema.', 'invalidSyntax');
/** elimity errors.ScimErrorResourceNotFound(id). */
const notFound = (id: string) => scimError(404, `Resource ${id} not found.`);
/** users.go GetAll: only `userName eq "…"` is supported (UNCONFIRMED detail). */
const INVALID_FILTER = scimError(400, 'The specified filter syntax was invalid or the specified attribute and filter comparison combination is not supported.', 'invalidFilter');

interface Row {
  id: number;
  external_id: string | null;
  user_name: string;
  given_name: string | null;
  family_name: string | null;
  active: number | null;
  created_at: string;
  updated_at: string;
}

function resource(db: Db, ctx: MdmContext, r: Row): ScimUserResource {
  const emails = db.prepare(`SELECT email, "primary" AS p, type FROM scim_user_emails WHERE scim_user_id = ? ORDER BY id`).all(r.id) as { email: string; p: number | null; type: string | null }[];
  const name = { ...(r.given_name !== null && { givenName: r.given_name }), ...(r.family_name !== null && { familyName: r.family_name }) };
  return {
    schemas: [SCIM_USER_SCHEMA],
    id: String(r.id),
    ...(r.external_id !== null && { externalId: r.external_id }),
    userName: r.user_name,
    ...(Object.keys(name).length > 0 && { name }),
    emails: emails.map((e) => ({ value: e.email, ...(e.p !== null && { primary: e.p === 1 }), ...(e.type !== null && { type: e.type }) })),
    active: r.active !== 0,
    meta: { resourceType: 'User', created: r.created_at, lastModified: r.updated_at, location: ctx.url(`/api/v1/fleet/scim/Users/${r.id}`) },
  };
}

const COLUMNS = `id, external_id, user_name, given_name, family_name, active, created_at, updated_at`;

/** The SCIM body as a new user, or undefined when it breaks the User schema (userName required, types per RFC 7643 §4.1). */
export function newScimUser(body: Record<string, unknown>): NewScimUser | undefined {
  const { userName, externalId, name, emails, active } = body;
  if (typeof userName !== 'string' || userName.trim() === '') return undefined;
  if (externalId !== undefined && typeof externalId !== 'string') return undefined;
  if (active !== undefined && typeof active !== 'boolean') return undefined;
  if (name !== undefined && (name === null || typeof name !== 'object')) return undefined;
  const n = (name ?? {}) as { givenName?: unknown; familyName?: unknown };
  if ((n.givenName !== undefined && typeof n.givenName !== 'string') || (n.familyName !== undefined && typeof n.familyName !== 'string')) return undefined;
  if (emails !== undefined && !Array.isArray(emails)) return undefined;
  const list: NewScimUser['emails'] = [];
  for (const e of (emails ?? []) as unknown[]) {
    const x = (e ?? {}) as { value?: unknown; primary?: unknown; type?: unknown };
    if (typeof x.value !== 'string' || (x.primary !== undefined && typeof x.primary !== 'boolean') || (x.type !== undefined && typeof x.type !== 'string')) return undefined;
    list.push({ email: x.value, ...(x.primary !== undefined && { primary: x.primary }), ...(x.type !== undefined && { type: x.type }) });
  }
  return {
    userName,
    emails: list,
    ...(typeof n.givenName === 'string' && { givenName: n.givenName }),
    ...(typeof n.familyName === 'string' && { familyName: n.familyName }),
    ...(externalId !== undefined && { externalId }),
    ...(active !== undefined && { active }),
  };
}

/** `userName eq "value"` (RFC 7644 §3.4.2.2; attribute names are case-insensitive), or undefined. */
export function userNameFilter(filter: string): string | undefined {
  const m = /^\s*username\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(filter);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : undefined;
}

export function registerScim(app: FastifyInstance, ctx: MdmContext): void {
  for (const v of API_VERSIONS) {
    const base = `/api/${v}/fleet/scim/Users`;
    app.post(
      base,
      guarded(ctx, (req, reply) => {
        const body = jsonObject(req);
        if (!body) return sendScim(reply, 400, INVALID_SYNTAX);
        const user = newScimUser(body);
        if (!user) return sendScim(reply, 400, INVALID_VALUE);
        const out = ctx.store.tx((db) => {
          if (db.prepare(`SELECT 1 FROM scim_users WHERE user_name = ?`).get(user.userName)) return undefined;
          const id = insertScimUser(db, user, ctx.nowIso());
          return resource(db, ctx, db.prepare(`SELECT ${COLUMNS} FROM scim_users WHERE id = ?`).get(id) as Row);
        });
        return out ? sendScim(reply, 201, out) : sendScim(reply, 409, UNIQUENESS);
      }),
    );
    app.get(
      base,
      guarded(ctx, (req, reply) => {
        const q = req.query as { filter?: string; startIndex?: string; count?: string };
        let userName: string | undefined;
        if (q.filter !== undefined) {
          userName = userNameFilter(q.filter);
          if (userName === undefined) return sendScim(reply, 400, INVALID_FILTER);
        }
        const rows = ctx.store.read((db) => {
          const list = (userName === undefined
            ? db.prepare(`SELECT ${COLUMNS} FROM scim_users ORDER BY id`).all()
            : db.prepare(`SELECT ${COLUMNS} FROM scim_users WHERE user_name = ? ORDER BY id`).all(userName)) as Row[];
          return list.map((r) => resource(db, ctx, r));
        });
        return sendScim(reply, 200, { schemas: [SCIM_LIST_SCHEMA], totalResults: rows.length, itemsPerPage: rows.length, startIndex: 1, Resources: rows });
      }),
    );
    app.get(
      `${base}/:id`,
      guarded(ctx, (req, reply) => {
        const id = (req.params as { id: string }).id;
        const r = /^[0-9]{1,15}$/.test(id) ? ctx.store.read((db) => { const row = db.prepare(`SELECT ${COLUMNS} FROM scim_users WHERE id = ?`).get(Number(id)) as Row | undefined; return row && resource(db, ctx, row); }) : undefined;
        return r ? sendScim(reply, 200, r) : sendScim(reply, 404, notFound(id));
      }),
    );
    app.delete(
      `${base}/:id`,
      guarded(ctx, (req, reply) => {
        const id = (req.params as { id: string }).id;
        // users.go Delete: DeleteScimUser(id); host_scim_user rows go with it (ON DELETE CASCADE).
        const gone = /^[0-9]{1,15}$/.test(id) && ctx.store.tx((db) => db.prepare(`DELETE FROM scim_users WHERE id = ?`).run(Number(id)).changes > 0);
        return gone ? reply.code(204).send() : sendScim(reply, 404, notFound(id));
      }),
    );
  }
}
