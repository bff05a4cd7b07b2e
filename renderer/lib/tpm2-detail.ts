import { z } from 'zod';
import type { Step } from '../../app/contract';

/**
 * The detail of a `tpm2.*` step as emulators/device/tpm/swtpm-tpm.ts `run` records it: the command decoded by
 * emulators/protocols/tpm2.ts describeCommand (TCG Part 1 §18 command structure: tag, size, command code, handles,
 * authorization area, parameters), its bytes with secrets zeroed, and once answered describeResponse with the bytes.
 */
const DecodedRcSchema = z.object({ hex: z.string(), name: z.string(), text: z.string(), warning: z.boolean().optional() });
const Tpm2DetailSchema = z.object({
  commandCode: z.string(),
  tag: z.string(),
  handles: z.record(z.string(), z.string()),
  sessions: z.array(z.object({ handle: z.string(), attributes: z.string(), nonceBytes: z.number(), hmac: z.string() })),
  parameters: z.record(z.string(), z.unknown()),
  rawParameters: z.string().optional(),
  spec: z.string().optional(),
  commandBytes: z.string(),
  response: z.object({ responseCode: DecodedRcSchema, handles: z.record(z.string(), z.string()), parameters: z.record(z.string(), z.unknown()) }).optional(),
  responseBytes: z.string().optional(),
});
export type Tpm2Detail = z.infer<typeof Tpm2DetailSchema>;

const parsed = new WeakMap<Step, Tpm2Detail | null>();

/** The decoded TPM 2.0 command of a `tpm2.*` step; null for every other step (or a detail of another shape). */
export function tpm2Detail(step: Step): Tpm2Detail | null {
  if (!step.catalogId?.startsWith('tpm2.')) return null;
  let d = parsed.get(step);
  if (d === undefined) {
    const r = Tpm2DetailSchema.safeParse(step.detail);
    d = r.success ? r.data : null;
    parsed.set(step, d);
  }
  return d;
}

/**
 * A hex string as a hexdump, 16 bytes a line after a 4-digit offset, every byte shown: a TPM command or response is
 * at most a few KiB (Part 2 §10.6 MAX_COMMAND_SIZE), and it is no text, so no ASCII column to wrap the panel.
 */
export function hexDump(hex: string): string {
  const lines: string[] = [];
  for (let off = 0; off * 2 < hex.length; off += 16) {
    const row = hex.slice(off * 2, off * 2 + 32).match(/../g) ?? [];
    lines.push(`${off.toString(16).padStart(4, '0')}  ${row.slice(0, 8).join(' ')}${row.length > 8 ? `  ${row.slice(8).join(' ')}` : ''}`);
  }
  return lines.join('\n');
}
