import type { FastifyInstance, FastifyReply } from 'fastify';
import type { MdmContext } from '../context.js';
import { parseSyncML, SyncMLParseError, SYNCML_CONTENT_TYPE, type ParsedSyncMLMessage } from '../../protocols/syncml.js';
import { newEUAToken } from '../wstep/tokens.js';
import { fleetError, sendFleetError, verifyWindowsMdm } from '../fleet-error.js';
import { SOAP_CONTENT_TYPE } from '../../protocols/soap.js';
import { managementSoapFault } from './fault.js';
import { validateSyncML } from './validate.js';
import { authenticate } from './auth.js';
import { challengeReply, isNewSessionAlert, rekeyReply, trustedReply } from './session.js';
import { isFleetdPresentOnDevice, isValidUPN } from './fleetd.js';
import { MDM_PATHS } from '../../protocols/paths/mdm.js';

function soapFault(reply: FastifyReply, ctx: MdmContext, msgId: string, reason: string): FastifyReply {
  return reply.code(200).header('content-type', SOAP_CONTENT_TYPE).send(managementSoapFault({ msgId, reason, activityId: ctx.lab.ids.uuid() }));
}

function syncml(reply: FastifyReply, body: string): FastifyReply {
  return reply.code(200).header('content-type', SYNCML_CONTENT_TYPE).send(body);
}

/**
 * generateWindowsEUAToken (fleet.md §3 step 4): only after #41381 (the lab setting), only for a UPN enrollment;
 * any error gives "" and the command line goes without EUA_TOKEN. (admin.ts `mintEuaToken` always signs, for
 * scenarios that hand orbit a token directly.)
 */
async function generateWindowsEUAToken(ctx: MdmContext, enrollUserId: string, deviceId: string): Promise<string> {
  if (!ctx.settings().euaTokenEnabled || !isValidUPN(enrollUserId)) return '';
  try {
    return await newEUAToken(ctx, enrollUserId, deviceId);
  } catch {
    return '';
  }
}

/**
 * POST /api/mdm/microsoft/management (fleet.md §2.10): OMA-DM SyncML 1.2. Undecodable XML → Fleet JSON 500; an
 * invalid message or an unknown device → SOAP fault (HTTP 200); otherwise SyncML: rekey, 407/401 challenge, or the
 * trusted session. All checks run before the one transaction that writes.
 */
export function registerManagement(app: FastifyInstance, ctx: MdmContext): void {
  app.post(MDM_PATHS.management, {
    // A body over the server's limit: Fleet's size-limit middleware answers before decoding (HTTP 413).
    errorHandler: (err, _req, reply) => {
      const e = err as { statusCode?: number; message?: string };
      if (e.statusCode === 413) return sendFleetError(reply, 413, fleetError('request body too large'));
      return sendFleetError(reply, e.statusCode ?? 500, fleetError(e.message ?? 'internal error', e.message ?? 'internal error', ctx.lab.ids.uuid()));
    },
    handler: verifyWindowsMdm(ctx, async (req, reply) => {
      const raw = req.rawBody ?? '';
      let msg: ParsedSyncMLMessage;
      try {
        msg = parseSyncML(raw);
      } catch (e) {
        // SyncMLReqMsgContainer.DecodeBody: a plain wrapped error, so Fleet's generic 500 JSON (fleet.md §2.1).
        const reason = `unmarshalling SyncML message request: ${e instanceof SyncMLParseError ? e.message : String(e)}`;
        return sendFleetError(reply, 500, fleetError(reason, reason, ctx.lab.ids.uuid()));
      }
      const invalid = validateSyncML(msg);
      if (invalid) return soapFault(reply, ctx, msg.hdr.msgId, invalid);

      const nowMs = ctx.lab.clock.now();
      const nowIso = new Date(nowMs).toISOString();
      const auth = ctx.store.read((db) => authenticate(db, msg, nowIso));
      if (!auth.ok) return soapFault(reply, ctx, msg.hdr.msgId, auth.error);

      const { enrollment } = auth;
      try {
        switch (auth.state) {
          case 'rekey':
            return syncml(reply, ctx.store.tx((db) => rekeyReply(db, ctx, msg, nowIso)));
          case 'challenge':
          case 'unauthorized': {
            const code = auth.state === 'challenge' ? '407' : '401';
            return syncml(reply, ctx.store.tx((db) => challengeReply(db, ctx, msg, code, nowMs)));
          }
          case 'trusted': {
            const installFleetd = msg.commands.some(isNewSessionAlert) && !ctx.store.read((db) => isFleetdPresentOnDevice(db, enrollment));
            const euaToken = installFleetd ? await generateWindowsEUAToken(ctx, enrollment.enroll_user_id, enrollment.mdm_device_id) : '';
            const body = ctx.store.tx((db) =>
              trustedReply(db, ctx, { req: msg, rawRequest: raw, enrollment, acknowledge: auth.acknowledge, installFleetd, euaToken, nowIso }),
            );
            return syncml(reply, body);
          }
        }
      } catch (e) {
        return soapFault(reply, ctx, msg.hdr.msgId, `message processing error ${(e as Error).message}`);
      }
    }),
  });
}
