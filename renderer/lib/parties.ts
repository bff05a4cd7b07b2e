import { PARTIES, type PartyIdT } from '../../app/contract';

/** Lane order of the sequence diagram: who starts the story on the left. */
export const LANE_ORDER: readonly PartyIdT[] = ['user', 'device', 'tpm', 'entra', 'mdm', 'orbit', 'external'];

/** The short names lanes, rows and the inspector use (the PARTIES table of the wire model). */
export const PARTY_LABEL = Object.fromEntries(LANE_ORDER.map((p) => [p, PARTIES[p].short])) as Record<PartyIdT, string>;

/** The party colours as CSS variables (`--p-<party>`) for each theme, from the same table. */
export function partyColorCss(): string {
  const vars = (theme: 'dark' | 'light') => LANE_ORDER.map((p) => `--p-${p}: ${PARTIES[p].color[theme]};`).join(' ');
  return `:root, :root[data-theme='dark'] { ${vars('dark')} } :root[data-theme='light'] { ${vars('light')} }`;
}
