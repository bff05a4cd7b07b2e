/** fleet.HostLinuxOSs (server/fleet/hosts.go, newest list read): the osquery platforms Fleet counts as linux. */
const HOST_LINUX_OSS = new Set(['linux', 'ubuntu', 'debian', 'rhel', 'centos', 'sles', 'kali', 'gentoo', 'amzn', 'pop', 'arch', 'linuxmint', 'void', 'nixos', 'endeavouros', 'manjaro', 'opensuse-leap', 'opensuse-tumbleweed', 'tuxedo']);

/** fleet.PlatformFromHost (Host.FleetPlatform): a linux distribution is "linux"; any other platform is itself. */
export function fleetPlatform(platform: string): string {
  return HOST_LINUX_OSS.has(platform) ? 'linux' : platform;
}

/** EnrollOrbit gates end-user auth only for these FleetPlatforms (fleet.md corrections §3; server/service/orbit.go). */
export function endUserAuthGatedPlatform(platform: string): boolean {
  const p = fleetPlatform(platform);
  return p === 'linux' || p === 'windows';
}
