/**
 * `n` Discovery probes (GET /EnrollmentServer/Discovery.svc) as an outside client sends them, `inFlight` at a time:
 * each one is a real recorded step, so a test or the bench fills a run with as many steps as it needs.
 */
export async function discoveryProbes(mdmUrl: string, n: number, inFlight = 16): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await (await fetch(`${mdmUrl}/EnrollmentServer/Discovery.svc`)).arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}
