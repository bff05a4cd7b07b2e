import type { FastifyInstance } from 'fastify';
import type { MdmContext } from '../context.js';

/** Registers the enrollment routes on the MDM server. */
export async function registerEnrollment(app: FastifyInstance, ctx: MdmContext): Promise<void> {
  void app;
  void ctx;
}
