import type { RunReport } from '../host/headless.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML: a testsuite per scenario, a testcase per expectation, so CI dashboards show which one failed. */
export function toJUnit(report: RunReport): string {
  const suites = report.runs.map((r) => {
    const cases = r.expectations.map(
      (e) =>
        `    <testcase classname="enrollscope.${esc(r.scenario)}" name="${esc(e.name)}" time="0">${
          e.passed ? '' : e.skipped !== undefined ? `\n      <skipped message="${esc(e.skipped)}"/>\n    ` : `\n      <failure message="${esc(e.detail)}">${esc(e.detail)}</failure>\n    `
        }</testcase>`,
    );
    if (r.error) cases.push(`    <testcase classname="enrollscope.${esc(r.scenario)}" name="run completes" time="0">\n      <error message="${esc(r.error)}">${esc(r.error)}</error>\n    </testcase>`);
    const failures = r.expectations.filter((e) => !e.passed && e.skipped === undefined).length;
    const skipped = r.expectations.filter((e) => e.skipped !== undefined).length;
    return `  <testsuite name="${esc(r.scenario)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" errors="${r.error ? 1 : 0}" time="${(r.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="enrollscope" tests="${report.runs.length}" failures="${report.failed}">\n${suites.join('\n')}\n</testsuites>\n`;
}
