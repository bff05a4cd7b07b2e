// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { apiErrorText } from '../../../../renderer/lib/api-error';

describe('apiErrorText', () => {
  it("spells out zod's error tree beside the host's error", () => {
    const body = { error: 'invalid request', detail: { errors: [], properties: { emails: { errors: [], items: [{ errors: ['Invalid email address'] }] } } } };
    expect(apiErrorText(body, 'x')).toBe('invalid request: emails.0: Invalid email address');
    expect(apiErrorText({ error: 'a run is in progress' }, 'x')).toBe('a run is in progress');
    expect(apiErrorText(null, 'plain')).toBe('plain');
  });
});
