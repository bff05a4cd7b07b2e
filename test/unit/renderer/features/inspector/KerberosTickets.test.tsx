// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { KerberosTickets } from '../../../../../renderer/features/inspector/KerberosTickets';
import { kerberosOfBody } from '../../../../../renderer/lib/kerberos';
import { prtReplyBody } from '../../../../helpers/renderer/prt-reply';

afterEach(cleanup);

const CLOUD = 'KERBEROS.MICROSOFTONLINE.COM';
const field = (card: HTMLElement, name: string) => card.querySelector(`tr[data-field="${name}"] td code`)?.textContent;

describe('Tokens tab: Kerberos TGTs of a PRT reply', () => {
  it('shows tgt_cloud as its decoded JSON and its decoded KRB-AS-REP', () => {
    render(<KerberosTickets view={kerberosOfBody(prtReplyBody())!} words={[]} />);
    const card = screen.getByRole('article', { name: 'Kerberos TGT in tgt_cloud' });
    const json = within(card).getByTestId('tgt-json');
    expect(field(json, 'realm')).toBe(CLOUD);
    expect(field(json, 'keyType')).toBe('18 (aes256-cts-hmac-sha1-96)');
    expect(field(json, 'cn')).toBe('alice@enrollscope.onmicrosoft.com');
    expect(field(json, 'clientKey header')).toContain('"alg":"dir"');
    const rep = within(card).getByTestId('as-rep');
    expect(field(rep, 'pvno')).toBe('5');
    expect(field(rep, 'msg-type')).toBe('11 KRB_AS_REP');
    expect(field(rep, 'crealm')).toBe(CLOUD);
    expect(field(rep, 'cname')).toBe('alice\\@enrollscope.onmicrosoft.com (NT-PRINCIPAL)');
    expect(field(rep, 'ticket.realm')).toBe(CLOUD);
    expect(field(rep, 'ticket.sname')).toBe(`krbtgt/${CLOUD} (NT-SRV-INST)`);
    expect(field(rep, 'ticket.enc-part')).toMatch(/^etype 18 aes256-cts-hmac-sha1-96 · kvno 1 · \d+ bytes$/);
    expect(field(rep, 'enc-part')).toMatch(/^etype 18 aes256-cts-hmac-sha1-96 · \d+ bytes$/);
    expect(screen.getByRole('button', { name: 'Copy messageBuffer' })).toBeTruthy();
  });

  it('shows tgt_ad as a card of its own and the top-level names as a list', () => {
    render(<KerberosTickets view={kerberosOfBody(prtReplyBody({ onPrem: true }))!} words={[]} />);
    const ad = screen.getByRole('article', { name: 'Kerberos TGT in tgt_ad' });
    expect(within(ad).getByText(/On-premises partial TGT/)).toBeTruthy();
    expect(field(within(ad).getByTestId('as-rep'), 'crealm')).toBe('CORP.ENROLLSCOPE.TEST');
    const names = screen.getByRole('article', { name: 'kerberos_top_level_names' });
    expect(within(names).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['.windows.net', '.windows.net:1433', '.azure.net']);
  });

  it('says why a messageBuffer could not be decoded instead of a table', () => {
    render(<KerberosTickets view={kerberosOfBody(prtReplyBody({ messageBuffer: 'AAAA' }))!} words={[]} />);
    const card = screen.getByRole('article', { name: 'Kerberos TGT in tgt_cloud' });
    expect(card.querySelector('[data-krb-problem]')?.textContent).toMatch(/^messageBuffer: /);
    expect(within(card).queryByTestId('as-rep')).toBeNull();
  });

  it('marks rows that match the step filter', () => {
    render(<KerberosTickets view={kerberosOfBody(prtReplyBody())!} words={['krbtgt']} />);
    const card = screen.getByRole('article', { name: 'Kerberos TGT in tgt_cloud' });
    expect(card.querySelector('tr[data-field="ticket.sname"]')?.className).toBe('hit');
    expect(card.querySelector('tr[data-field="ticket.sname"] mark.search-hit')?.textContent).toBe('krbtgt');
  });
});
