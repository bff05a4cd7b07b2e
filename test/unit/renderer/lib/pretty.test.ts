// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { prettyBody, prettyXml } from '../../../../renderer/lib/pretty';

describe('pretty bodies', () => {
  it('indents XML one element per line, keeping text-only elements inline', () => {
    expect(prettyXml('<a><b>1</b><c/><d><e>x</e></d></a>')).toBe('<a>\n  <b>1</b>\n  <c/>\n  <d>\n    <e>x</e>\n  </d>\n</a>');
  });

  it('chooses by content type, and decodes forms into fields', () => {
    expect(prettyBody('{"a":1}', { 'content-type': 'application/json' })).toEqual({ language: 'json', text: '{\n  "a": 1\n}' });
    expect(prettyBody('grant_type=password&username=a%40b', { 'content-type': 'application/x-www-form-urlencoded' })).toEqual({ language: 'text', text: 'grant_type = password\nusername = a@b' });
    expect(prettyBody(btoa('MZ\x90\x00'), {}, 'base64').language).toBe('binary');
  });
});
