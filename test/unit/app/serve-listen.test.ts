import { describe, expect, it } from 'vitest';
import { listenOption } from '../../../app/cli/serve.js';

describe('serve --listen ADDRESS', () => {
  it('127.0.0.1 or nothing is the default (null); another address or a host name is taken as given', () => {
    expect(listenOption(undefined)).toBeNull();
    expect(listenOption('127.0.0.1')).toBeNull();
    expect(listenOption('192.168.56.1')).toBe('192.168.56.1');
    expect(listenOption('[fd00::5]')).toBe('fd00::5');
    expect(listenOption('lab.example')).toBe('lab.example');
  });

  it('refuses the unspecified addresses (they name no host to advertise) and what is no address', () => {
    for (const v of ['0.0.0.0', '::', '[::]']) expect(String(listenOption(v))).toMatch(/name one address of this machine/);
    expect(String(listenOption('http://x'))).toMatch(/not an IP address or host name/);
  });
});
