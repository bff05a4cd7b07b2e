import { describe, expect, it } from 'vitest';
import { hasHit, highlightParts, searchPattern, searchWords } from '../../../../renderer/lib/search';

describe('search words and their marks', () => {
  it('splits the filter text into lower-case words', () => {
    expect(searchWords('  Alice   END_USER_AUTH_REQUIRED ')).toEqual(['alice', 'end_user_auth_required']);
    expect(searchWords('   ')).toEqual([]);
  });

  it('marks every occurrence of any word, case-insensitively, the longest word first', () => {
    expect(highlightParts('Enrollment enroll ENROLL', ['enroll', 'enrollment'])).toEqual([
      { text: 'Enrollment', hit: true },
      { text: ' ', hit: false },
      { text: 'enroll', hit: true },
      { text: ' ', hit: false },
      { text: 'ENROLL', hit: true },
    ]);
    expect(highlightParts('no match here', ['alice'])).toEqual([{ text: 'no match here', hit: false }]);
  });

  it('takes words literally (regex characters are escaped)', () => {
    const re = searchPattern(['./devdetail/swv', 'a+b'])!;
    expect('./DevDetail/SwV'.match(re)?.[0]).toBe('./DevDetail/SwV');
    expect('aab'.match(re)).toBeNull();
    expect(searchPattern([])).toBeNull();
  });

  it('tells whether a text holds any word', () => {
    expect(hasHit('upn alice@enrollscope.onmicrosoft.com', ['alice'])).toBe(true);
    expect(hasHit('upn bob', ['alice'])).toBe(false);
    expect(hasHit('anything', [])).toBe(false);
  });
});
