import type { Step } from '../../emulators/lab/step.js';
import { decodeProtocol } from '../../emulators/lab/protocol-facts.js';
import { classifyRequest } from '../../emulators/protocols/step-match.js';

/**
 * A step as the recorder would hold it, for tests that need one without a lab: the catalog id and the protocol
 * facts come from the same classifier and decoder the recorder uses, unless the test names them.
 */
export function recordedStep(s: Omit<Step, 'catalogId' | 'protocol'> & Partial<Pick<Step, 'catalogId' | 'protocol'>>): Step {
  const server = s.to === 'entra' ? 'entra' : 'mdm';
  const catalogId =
    s.catalogId ?? (s.kind === 'local' || !s.request ? 'device.setup' : classifyRequest({ server, method: s.request.method, path: new URL(s.request.url).pathname, body: s.request.body }));
  const protocol = s.protocol ?? (s.kind === 'local' ? { kind: 'local' as const } : decodeProtocol(s.request, s.response));
  return { ...s, catalogId, protocol };
}
