import { describe, expect, it } from 'vitest';
import { createLabStore } from '../../../../renderer/store';
import { createConsoleActions } from '../../../../renderer/store/console-actions';
import { fakeHost } from '../../../helpers/renderer/fake-host';

describe('console actions on a fresh store', () => {
  it("the console shows the host's refusal beside its form", async () => {
    const host = fakeHost(() => ({ status: 409, json: { error: 'a saved run is open: go back to the live lab before using the console' } }));
    const store = createLabStore();
    expect(await createConsoleActions(store, host.client).createScimUser('dave@example.com', [])).toBe(false);
    expect(store.getState().consoleErrors.scim).toBe('Not now (409): a saved run is open: go back to the live lab before using the console');
    expect(store.getState().consoleBusy).toBeNull();
  });
});
