import { SignJWT, decodeJwt } from 'jose';
import type { MsiInstall } from '../device/index.js';
import { fleetClient, type World } from './world.js';

/**
 * What a scenario does to the EUA token between the MSI install and orbit's start, each a visible lab step:
 * the ways the token path must fail closed (fleet.md §4.2 a).
 */
async function replaceToken(world: World, install: MsiInstall, title: string, make: (token: string) => Promise<string>): Promise<void> {
  const before = install.properties.EUA_TOKEN;
  if (!before) throw new Error('the MSI install carried no EUA_TOKEN to change');
  const after = await world.lab.local({ party: 'device', catalogId: 'lab.eua-tamper', title, detail: { before } }, () => make(before), (t) => ({ after: t }));
  install.properties.EUA_TOKEN = after;
}

export const twists = {
  /** 2 h of lab time pass before orbit starts: the 1 h token has expired. */
  expire: (world: World, ms = 2 * 3600_000) =>
    world.lab.local({ party: 'device', catalogId: 'lab.clock-advance', title: `${ms / 3600_000} h pass before orbit starts (the lab clock moves)`, detail: { advancedMs: ms } }, () => world.lab.clock.advance(ms)),
  /** The payload is edited (upn changed), the signature kept: it no longer verifies. */
  tamper: (world: World, install: MsiInstall) =>
    replaceToken(world, install, 'EUA_TOKEN tampered: upn changed, signature kept', async (t) => {
      const [h, p, s] = t.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
      claims.upn = `mallory@${String(claims.upn).split('@')[1] ?? 'example.com'}`;
      return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    }),
  /** The same claims, signed RS256 by a key that is not the WSTEP identity's. */
  foreignKey: (world: World, install: MsiInstall) =>
    replaceToken(world, install, 'EUA_TOKEN re-signed with a foreign RSA key', async (t) => {
      const { privateKey } = await world.lab.keys.rsa('scenario-foreign-eua-key');
      return new SignJWT(decodeJwt(t)).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey);
    }),
  /** A genuine token from the MDM server's key, for a device_id that has no enrollment. */
  unknownDevice: (world: World, install: MsiInstall) =>
    replaceToken(world, install, 'EUA_TOKEN for a device_id the MDM server never enrolled', async (t) =>
      fleetClient(world).mintEuaToken(String(decodeJwt(t).upn), world.lab.ids.hex(16).toUpperCase()),
    ),
};
