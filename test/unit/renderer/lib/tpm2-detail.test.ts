import { describe, expect, it } from 'vitest';
import * as T from '../../../../emulators/protocols/tpm2';
import { hexDump, tpm2Detail } from '../../../../renderer/lib/tpm2-detail';
import { recordedStep } from '../../../helpers/step';

/** A TPM2_GetRandom step with the detail emulators/device/tpm/swtpm-tpm.ts `run` records. */
function getRandomStep(extra: Record<string, unknown> = {}) {
  const command = T.getRandom(16);
  const response = T.marshalResponse(T.TPM_CC.GetRandom, { tag: T.TPM_ST.NO_SESSIONS, rc: 0, handles: [], params: { randomBytes: Buffer.alloc(16, 7) }, sessions: [] });
  const detail = {
    ...T.describeCommand(T.unmarshalCommand(command)),
    spec: 'TCG TPM 2.0 Library Part 3 §16.1 TPM2_GetRandom',
    commandBytes: command.toString('hex'),
    response: T.describeResponse(T.TPM_CC.GetRandom, T.unmarshalResponse(T.TPM_CC.GetRandom, response)),
    responseBytes: response.toString('hex'),
    ...extra,
  };
  return recordedStep({ id: 's1', index: 0, kind: 'local', from: 'device', to: 'tpm', title: 'TPM2_GetRandom', catalogId: 'tpm2.get-random', status: 'done', observedBy: 'lab', startedAt: 0, durationMs: 1, detail, tokens: [], changes: [] });
}

describe('tpm2Detail', () => {
  it('reads the decoded command and response of a tpm2.* step', () => {
    const d = tpm2Detail(getRandomStep());
    expect(d).toMatchObject({ commandCode: '0x0000017b (TPM_CC_GetRandom)', tag: 'TPM_ST_NO_SESSIONS', handles: {}, sessions: [], parameters: { bytesRequested: 16 } });
    expect(d!.response!.responseCode).toMatchObject({ name: 'TPM_RC_SUCCESS', hex: '0x000' });
    expect(d!.commandBytes).toBe('80010000000c0000017b0010');
  });

  it('is null for another step kind and for a detail of another shape', () => {
    expect(tpm2Detail({ ...getRandomStep(), catalogId: 'tpm.backend' })).toBeNull();
    expect(tpm2Detail(getRandomStep({ commandBytes: 12 }))).toBeNull();
  });
});

describe('hexDump', () => {
  it('16 bytes a line after a 4-digit offset, split in two halves, the last line short', () => {
    expect(hexDump('80010000000c0000017b0010')).toBe('0000  80 01 00 00 00 0c 00 00  01 7b 00 10');
    expect(hexDump('00'.repeat(17)).split('\n')).toEqual(['0000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00', '0010  00']);
    expect(hexDump('')).toBe('');
  });
});
