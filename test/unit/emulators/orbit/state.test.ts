import { afterEach, describe, expect, it } from 'vitest';
import { tempLab } from '../../../helpers/lab.js';
import { adoptEnrollSecret, ENROLL_SECRET_PATH, KEYSTORE_ENROLL_SECRET, NODE_KEY_PATH, orbitState } from '../../../../emulators/orbit/state.js';

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

describe("orbit's files and keystore", () => {
  it('keeps the paths fleetd uses on Windows', () => {
    expect(ENROLL_SECRET_PATH).toBe('C:\\Program Files\\Orbit\\secret.txt');
    expect(NODE_KEY_PATH).toBe('C:\\Program Files\\Orbit\\secret-orbit-node-key.txt');
  });

  it('moves secret.txt into the keystore and deletes the file; with no file the keystore answers', () => {
    const t = tempLab({ seed: 'orbit-state' });
    dispose = t.dispose;
    const s = orbitState(t.lab);
    s.writeFile(ENROLL_SECRET_PATH, '  s3cret\n');
    expect(adoptEnrollSecret(s)).toBe('s3cret');
    expect(s.readFile(ENROLL_SECRET_PATH)).toBeUndefined();
    expect(s.keystore(KEYSTORE_ENROLL_SECRET)).toBe('s3cret');
    expect(adoptEnrollSecret(s)).toBe('s3cret');
    // A new secret.txt (an MSI repair) updates the keystore.
    s.writeFile(ENROLL_SECRET_PATH, 'other');
    expect(adoptEnrollSecret(s)).toBe('other');
    expect(s.keystore(KEYSTORE_ENROLL_SECRET)).toBe('other');
  });
});
