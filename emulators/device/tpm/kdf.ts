import { createHash, createHmac } from 'node:crypto';

// Stand-in until emulators/protocols/prt-kdf.ts lands (the Entra helper's); then this re-exports it.
/** SP 800-108 counter-mode KDF, HMAC-SHA256, one block, label "AzureAD-SecureConversation" (entra-mde2.md §6.5). */
export function kdfV1(sessionKey: Buffer, context: Buffer): Buffer {
  const msg = Buffer.concat([
    Buffer.from([0, 0, 0, 1]),
    Buffer.from('AzureAD-SecureConversation', 'ascii'),
    Buffer.from([0]),
    context,
    Buffer.from([0, 0, 1, 0]),
  ]);
  return createHmac('sha256', sessionKey).update(msg).digest();
}

/** KDFv2 context: SHA256(ctx ‖ the payload bytes as sent) (entra-mde2.md §6.5). */
export function kdfV2Context(ctx: Buffer, payload: Buffer): Buffer {
  return createHash('sha256').update(ctx).update(payload).digest();
}
