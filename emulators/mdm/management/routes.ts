import type { FastifyInstance } from 'fastify';
import type { MdmContext } from '../context.js';

/** Registers the management routes on the MDM server. */
export async function registerManagement(app: FastifyInstance, ctx: MdmContext): Promise<void> {
  void app;
  void ctx;
}
