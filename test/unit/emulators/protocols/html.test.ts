import { describe, it, expect } from 'vitest';
import { escapeHtml } from '../../../../emulators/protocols/html.js';

describe('HTML escaping for pages', () => {
  it('escapes & < > " and the single quote as numeric references, safe in text and in either attribute quoting', () => {
    expect(escapeHtml(`a&b<c>"d'e`)).toBe('a&#38;b&#60;c&#62;&#34;d&#39;e');
  });
});
