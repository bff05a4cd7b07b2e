import type { FastifyInstance } from 'fastify';
import type { MdmContext } from '../context.js';

/** Registers the orbit routes on the MDM server. */
export async function registerOrbit(app: FastifyInstance, ctx: MdmContext): Promise<void> {
  void app;
  void ctx;
}
