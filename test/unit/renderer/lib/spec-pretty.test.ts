// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { Step } from '../../../../app/contract';
import { specFor } from '../../../../renderer/lib/spec';
import { prettyBody, prettyXml } from '../../../../renderer/lib/pretty';

const step = (url: string, spec?: Step['spec']): Step => ({
  id: 's', index: 0, kind: 'http', from: 'external', to: 'mdm', title: 't', status: 'done', observedBy: 'mdm', startedAt: 0, durationMs: 1, tokens: [], changes: [],
  request: { method: 'POST', url, headers: {}, body: '' }, ...(spec && { spec }),
});

describe('spec refs', () => {
  it("keeps the step's own spec ref and adds the document's link", () => {
    const s = specFor(step('http://x/a', { doc: 'MS-MDE2', section: '3.4', title: 'Enroll' }))!;
    expect(s).toMatchObject({ doc: 'MS-MDE2', section: '3.4', derived: false });
    expect(s.url).toMatch(/ms-mde2/);
  });

  it('derives one from the path when the step has none (an outside client)', () => {
    expect(specFor(step('http://127.0.0.1:9/EnrollmentServer/Discovery.svc'))).toMatchObject({ doc: 'MS-MDE2', section: '3.1', derived: true });
    expect(specFor(step('http://127.0.0.1:9/api/mdm/microsoft/management'))).toMatchObject({ doc: 'MS-MDM', derived: true });
    expect(specFor(step('http://127.0.0.1:9/api/fleet/orbit/enroll'))).toMatchObject({ doc: 'Fleet', derived: true });
    expect(specFor(step('http://127.0.0.1:9/nothing/known'))).toBeNull();
  });
});

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
