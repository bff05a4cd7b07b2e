/** The progress line on stderr: devices done, the rate, errors. A terminal gets one line redrawn; a log a line every few seconds. */
export class Progress {
  private last = 0;
  private readonly t0 = performance.now();
  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream | null = process.stderr,
  ) {}

  update(done: number, errors: number, force = false): void {
    if (!this.out) return;
    const now = performance.now();
    const tty = this.out.isTTY === true;
    if (!force && now - this.last < (tty ? 100 : 5000)) return;
    this.last = now;
    const secs = (now - this.t0) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const width = 30;
    const filled = this.total === 0 ? width : Math.round((done / this.total) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total} devices  ${rate.toFixed(1)}/s  ${errors} error(s)  ${secs.toFixed(0)} s`;
    this.out.write(tty ? `\r${line}` : `${line}\n`);
  }

  end(done: number, errors: number): void {
    this.update(done, errors, true);
    if (this.out?.isTTY) this.out.write('\n');
  }
}
