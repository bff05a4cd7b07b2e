/**
 * A usage error: one line on stderr and exit code 2 (as diff(1) and the README say: 1 is a failed expectation), before
 * anything has started, so nothing is half-done.
 */
export function usageError(e: Error | string): void {
  process.stderr.write(`${typeof e === 'string' ? e : e.message}\n`);
  process.exitCode = 2;
}
