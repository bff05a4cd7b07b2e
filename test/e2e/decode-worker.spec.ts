import { test, expect } from '../helpers/e2e-host.js';
import { ui } from '../helpers/e2e-ui.js';
import { stepRow } from './step-rows.js';

test('a large body is pretty-printed in the decode worker, off the UI thread', async ({ host, page }) => {
  await host.open(page);
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  // An outside client posts a 200 KB SyncML message on one line; the MDM server records it as a step.
  const items = Array.from({ length: 1500 }, (_, i) => `<Results><CmdID>${i}</CmdID><Item><Source><LocURI>./Vendor/MSFT/Node/${i}</LocURI></Source><Data>${'v'.repeat(40)}</Data></Item></Results>`).join('');
  const body = `<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><SessionID>1</SessionID><MsgID>1</MsgID></SyncHdr><SyncBody>${items}<Final/></SyncBody></SyncML>`;
  expect(body.length).toBeGreaterThan(128 * 1024);
  await fetch(`${host.session.current.mdm.url}/api/mdm/microsoft/management`, { method: 'POST', headers: { 'content-type': 'application/vnd.syncml.dm+xml' }, body });
  await expect.poll(() => host.session.steps().filter((s) => s.request?.body === body).length).toBe(1);

  const step = host.session.steps().find((s) => s.request?.body === body)!;
  await (await stepRow(page, step.index)).click();
  await ui.tab(page, 'Request').click();
  const editor = page.getByRole('textbox', { name: 'Request body' });
  await expect(editor.locator('.cm-line').nth(1)).toHaveText('  <SyncHdr>');
  expect(workers.some((u) => u.includes('decode.worker'))).toBe(true);
});
