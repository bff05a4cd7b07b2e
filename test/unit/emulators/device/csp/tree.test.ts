import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempLab } from '../../../../helpers/lab.js';
import type { Store } from '../../../../../emulators/lab/store.js';
import { CSP_SCHEMA } from '../../../../../emulators/device/csp/schema.js';
import { CspTree } from '../../../../../emulators/device/csp/tree.js';

const MSI = './Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7BA427C0AA-E2D5-40DF-ACE8-0D726A6BE096%7D';

let store: Store;
let tree: CspTree;
let dispose: () => void;
beforeEach(() => {
  const t = tempLab();
  dispose = t.dispose;
  store = t.lab.openStore('device', CSP_SCHEMA);
  tree = new CspTree(store);
  store.tx((db) => {
    tree.set(db, './DevInfo/DevId', 'B5B954E81FBCB94EB79BD08BE625F4EE');
    tree.set(db, './DevInfo/Man', 'Microsoft Corporation');
    tree.set(db, './DevDetail/Ext/Microsoft/SMBIOSSerialNumber', 'VMW-1234');
    tree.set(db, './Vendor/MSFT/DMClient/Provider/Fleet/EntDMID', 'B5B954E81FBCB94EB79BD08BE625F4EE');
  });
});
afterEach(() => dispose());

describe('CSP tree (MS-MDM command semantics)', () => {
  it('Get of a leaf returns its value; of an interior node its children separated by /', () => {
    expect(store.read((db) => tree.get(db, './DevInfo/DevId'))).toEqual({ status: '200', value: 'B5B954E81FBCB94EB79BD08BE625F4EE', format: 'chr' });
    expect(store.read((db) => tree.get(db, './DevInfo'))).toEqual({ status: '200', value: 'DevId/Man', format: 'node' });
    expect(store.read((db) => tree.get(db, './DevDetail/Ext/Microsoft/SMBIOSSerialNumber')).value).toBe('VMW-1234');
  });

  it('Get of a node not in the tree is 404', () => {
    expect(store.read((db) => tree.get(db, './DevDetail/Ext/Microsoft/Nope')).status).toBe('404');
  });

  it('Replace of a read-only DevInfo node is 405 and changes nothing', () => {
    const before = store.dump();
    expect(store.tx((db) => tree.replace(db, './DevInfo/Man', 'Evil'))).toEqual({ status: '405' });
    expect(store.dump()).toEqual(before);
  });

  it('Add of DownloadInstall creates the MSI node; a second Add is 418 Already exists', () => {
    expect(store.tx((db) => tree.add(db, `${MSI}/DownloadInstall`, undefined))).toEqual({ status: '200' });
    expect(tree.children('./Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI')).toEqual(['{A427C0AA-E2D5-40DF-ACE8-0D726A6BE096}']);
    expect(store.tx((db) => tree.add(db, `${MSI}/DownloadInstall`, undefined))).toEqual({ status: '418' });
  });

  it('Exec is allowed on DownloadInstall only after its Add, and never on Status', () => {
    expect(store.read((db) => tree.exec(db, `${MSI}/DownloadInstall`)).status).toBe('404');
    store.tx((db) => tree.add(db, `${MSI}/DownloadInstall`, undefined));
    expect(store.read((db) => tree.exec(db, `${MSI}/DownloadInstall`)).status).toBe('200');
    store.tx((db) => tree.set(db, `${MSI}/Status`, '70', 'int'));
    expect(store.read((db) => tree.exec(db, `${MSI}/Status`)).status).toBe('405');
    expect(store.read((db) => tree.get(db, `${MSI}/Status`))).toEqual({ status: '200', value: '70', format: 'int' });
  });

  it('Replace creates a DMClient provider node the CSP lets the server add, and updates it after', () => {
    const poll = './Device/Vendor/MSFT/DMClient/Provider/Fleet/Poll/IntervalForFirstSetOfRetries';
    expect(store.tx((db) => tree.replace(db, poll, '1', 'int')).status).toBe('200');
    expect(store.tx((db) => tree.replace(db, poll, '480', 'int')).status).toBe('200');
    expect(tree.value(poll)).toBe('480');
  });

  it('Delete removes the subtree; deleting a missing node is 404', () => {
    store.tx((db) => tree.add(db, `${MSI}/DownloadInstall`, undefined));
    store.tx((db) => tree.set(db, `${MSI}/Status`, '70', 'int'));
    expect(store.tx((db) => tree.delete(db, MSI)).status).toBe('200');
    expect(tree.node(`${MSI}/Status`)).toBeNull();
    expect(store.tx((db) => tree.delete(db, MSI)).status).toBe('404');
  });

  it('Add where no CSP lives is 404; Add on a read-only CSP is 405', () => {
    expect(store.tx((db) => tree.add(db, './Device/Vendor/MSFT/NoSuchCSP/X', 'v')).status).toBe('404');
    expect(store.tx((db) => tree.add(db, './DevDetail/Ext/Microsoft/New', 'v')).status).toBe('405');
  });

  it('creates missing interior parents outermost first, with their CSP ACL (no Exec), once', () => {
    const rows = () => store.read((db) => db.prepare(`SELECT path, interior, value, format, access FROM csp_nodes ORDER BY rowid`).all());
    // ./Device/Vendor/MSFT is there already (the DMClient node): the walk stops at it.
    const before = rows();
    store.tx((db) => tree.set(db, `${MSI}/Status`, '10', 'int'));
    store.tx((db) => tree.set(db, `${MSI}/LastError`, '0', 'int'));
    expect(rows().slice(before.length)).toEqual([
      { path: './Device/Vendor/MSFT/EnterpriseDesktopAppManagement', interior: 1, value: null, format: 'node', access: 'Get' },
      { path: './Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI', interior: 1, value: null, format: 'node', access: 'Get' },
      { path: MSI.replace(/%7B/g, '{').replace(/%7D/g, '}'), interior: 1, value: null, format: 'node', access: 'Get,Delete' },
      { path: `${MSI.replace(/%7B/g, '{').replace(/%7D/g, '}')}/Status`, interior: 0, value: '10', format: 'int', access: 'Get' },
      { path: `${MSI.replace(/%7B/g, '{').replace(/%7D/g, '}')}/LastError`, interior: 0, value: '0', format: 'int', access: 'Get' },
    ]);
  });

  it('a node written under a leaf is stored there and the leaf stays a leaf (no check that a parent is interior)', () => {
    store.tx((db) => tree.set(db, './DevInfo/Man/Sub', 'x'));
    expect(tree.node('./DevInfo/Man')).toMatchObject({ interior: false, value: 'Microsoft Corporation' });
    expect(tree.value('./DevInfo/Man/Sub')).toBe('x');
    expect(store.read((db) => tree.get(db, './DevInfo/Man')).value).toBe('Microsoft Corporation');
  });

  it('Replace that creates a node creates its missing parents too, as Add does', () => {
    const leaf = './Device/Vendor/MSFT/DMClient/Provider/Other/Poll/NumberOfFirstRetries';
    expect(store.tx((db) => tree.replace(db, leaf, '8', 'int'))).toEqual({ status: '200' });
    expect(tree.children('./Device/Vendor/MSFT/DMClient/Provider')).toEqual(['Fleet', 'Other']);
    expect(tree.node('./Device/Vendor/MSFT/DMClient/Provider/Other/Poll')).toMatchObject({ interior: true, format: 'node' });
    expect(tree.node(leaf)).toMatchObject({ value: '8', format: 'int', interior: false });
  });
});
