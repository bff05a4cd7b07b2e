import type { RunBundle } from '../../app/contract';

/**
 * Read a run bundle file (`enrollscope run --bundle`, the Export button) in the browser. Only its shape is checked
 * here; the host validates it fully (RunBundleSchema) when it receives it.
 */
export function parseBundle(text: string, name: string): RunBundle {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${name} is not JSON: pick a run bundle (.json) saved with Export or enrollscope run --bundle`);
  }
  const b = v as Partial<RunBundle> | null;
  if (!b || typeof b !== 'object' || b.format !== 'enrollscope-run/1' || !Array.isArray(b.steps)) {
    throw new Error(`${name} is not an Enrollscope run bundle (format enrollscope-run/1)`);
  }
  return b as RunBundle;
}

export async function readBundleFile(file: File): Promise<RunBundle> {
  return parseBundle(await file.text(), file.name);
}
