// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { parseBundle } from '../../../../renderer/lib/bundle-file';

describe('parseBundle', () => {
  it('accepts an enrollscope-run/1 bundle and refuses other JSON with a reason', () => {
    expect(parseBundle(JSON.stringify({ format: 'enrollscope-run/1', steps: [] }), 'a.json').steps).toEqual([]);
    expect(() => parseBundle('{"format":"har"}', 'b.json')).toThrow(/not an Enrollscope run bundle/);
    expect(() => parseBundle('nope', 'c.json')).toThrow(/not JSON/);
  });
});
