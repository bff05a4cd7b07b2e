/** Which slice of a fleet this process loads: shard `index` of `count` (0-based, as a Kubernetes Indexed Job numbers pods). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * `--shard i/N`, or `--shard /N` (or `--shard N`) with the index from JOB_COMPLETION_INDEX, the variable a
 * Kubernetes Indexed Job sets in each pod (kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode).
 * No --shard: the whole fleet is shard 0/1.
 */
export function parseShard(spec: string | undefined, env: Record<string, string | undefined> = process.env): Shard {
  if (spec === undefined || spec === '') return { index: 0, count: 1 };
  const m = /^(\d*)\/(\d+)$/.exec(spec) ?? /^()(\d+)$/.exec(spec);
  if (!m) throw new Error(`--shard must be i/N (e.g. 0/4), or /N with JOB_COMPLETION_INDEX set; not "${spec}"`);
  const count = Number(m[2]);
  const fromEnv = env.JOB_COMPLETION_INDEX;
  if (m[1] === '' && (fromEnv === undefined || !/^\d+$/.test(fromEnv))) throw new Error(`--shard ${spec} names no index and JOB_COMPLETION_INDEX is not set to a number`);
  const index = m[1] === '' ? Number(fromEnv) : Number(m[1]);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`--shard: the shard count must be 1 or more, not ${m[2]}`);
  if (index >= count) throw new Error(`--shard: index ${index} is not below the count ${count} (indexes run 0…${count - 1})`);
  return { index, count };
}
