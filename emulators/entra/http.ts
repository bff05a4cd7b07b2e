import type { FastifyReply, FastifyRequest } from 'fastify';

/** What every Entra route gets: the tenant segment of its path and the query string. */
export type TenantParams = { tenant: string };
export type TenantRequest = FastifyRequest<{ Params: TenantParams; Querystring: Record<string, string | undefined> }>;

/** A JSON answer as Entra sends it: never cached. */
export const sendJson = (reply: FastifyReply, status: number, body: unknown) =>
  reply.code(status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(JSON.stringify(body));
