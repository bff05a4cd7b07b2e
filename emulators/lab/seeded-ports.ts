import { createHash } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Fixed loopback ports for a seeded run, so that two processes with the same seed write the same URLs into every
 * token, certificate and database row, and their bundles are byte-identical. Below Linux's ephemeral range
 * (32768-60999, net.ipv4.ip_local_port_range) so outgoing connections never hold them; 4,000 pairs from 21000.
 */
const BASE = 21_000;
const PAIRS = 4_000;

export function seededPorts(seed: string): { mdm: number; entra: number } {
  const n = createHash('sha256').update(`enrollscope ports: ${seed}`).digest().readUInt32BE(0) % PAIRS;
  return { mdm: BASE + 2 * n, entra: BASE + 2 * n + 1 };
}

function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/**
 * The seed's ports when both are free; otherwise none (the servers take ephemeral ports and the run is not
 * byte-reproducible, which `reproducible: false` says so the caller can warn).
 */
export async function pickSeededPorts(seed: string): Promise<{ ports: { mdm: number; entra: number } | undefined; reproducible: boolean }> {
  const ports = seededPorts(seed);
  const ok = (await free(ports.mdm)) && (await free(ports.entra));
  return ok ? { ports, reproducible: true } : { ports: undefined, reproducible: false };
}
