import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PHASES, STEP_KIND_IDS, stepKind } from '../../../../emulators/protocols/steps.js';

describe('the step catalog', () => {
  it.each(STEP_KIND_IDS)('%s cites a public section by URL, never a landing page or a file outside the repository', (id) => {
    const { spec } = stepKind(id);
    expect(spec.url).toMatch(/^https:\/\//);
    expect(spec.section).not.toMatch(/\.md\b/);
    // Microsoft's open specifications: a section page has its own id, the document page does not.
    if (spec.url.includes('/openspecs/')) expect(spec.url).toMatch(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it.each(STEP_KIND_IDS)('%s names files that exist under emulators/', (id) => {
    const k = stepKind(id);
    for (const f of [k.client, k.server]) if (f) expect(existsSync(`emulators/${f}`), `emulators/${f}`).toBe(true);
  });

  it('gives every phase a name and every entry a title and a summary', () => {
    for (const id of STEP_KIND_IDS) {
      const k = stepKind(id);
      expect(k.title.length).toBeGreaterThan(3);
      expect(k.summary.length).toBeGreaterThan(20);
      if (k.phase) expect(PHASES[k.phase]).toBeTruthy();
    }
  });
});
