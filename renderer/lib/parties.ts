import type { PartyIdT } from '../../app/contract';

/** Lane order of the sequence diagram: who starts the story on the left. */
export const LANE_ORDER: readonly PartyIdT[] = ['user', 'device', 'tpm', 'entra', 'mdm', 'orbit', 'external'];

export const PARTY_LABEL: Record<PartyIdT, string> = {
  user: 'User',
  device: 'Device',
  tpm: 'TPM',
  entra: 'Entra',
  mdm: 'MDM server',
  orbit: 'Orbit',
  external: 'Outside client',
};
