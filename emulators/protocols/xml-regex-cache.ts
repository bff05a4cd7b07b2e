import { createRequire } from 'node:module';

/**
 * xmldom 0.9 builds a regular expression from its grammar's parts for every end tag it reads (lib/sax.js `parse`
 * calls `g.reg('^', g.QName_group, g.S_OPT, '$')`): joining those long Unicode-class sources was a third of a
 * SyncML parse in a load's profile. The parts are the same objects every time, so the expression built from them is
 * kept and handed out again. It is safe to share: `reg` makes expressions without the g or y flag, whose `exec`
 * keeps no state (lastIndex is ignored). The parser's behaviour is unchanged; only the rebuilding goes.
 */
type Reg = (...parts: (RegExp | string)[]) => RegExp;

const grammar = createRequire(import.meta.url)('@xmldom/xmldom/lib/grammar.js') as { reg?: Reg & { cached?: true } };
const built = grammar.reg;

if (built && !built.cached) {
  const ids = new WeakMap<RegExp, number>();
  const cache = new Map<string, RegExp>();
  let nextId = 0;
  const idOf = (r: RegExp) => {
    let id = ids.get(r);
    if (id === undefined) ids.set(r, (id = ++nextId));
    return id;
  };
  const cached: Reg & { cached?: true } = function (this: unknown, ...parts) {
    const key = parts.map((p) => (typeof p === 'string' ? `s${p}` : `r${idOf(p)}`)).join('\u0000');
    let re = cache.get(key);
    if (re === undefined) {
      re = built.apply(this, parts);
      // Only the grammar's fixed combinations recur; a caller building from changing strings would not fill memory.
      if (cache.size < 64) cache.set(key, re);
    }
    return re;
  };
  cached.cached = true;
  grammar.reg = cached;
}

/** Whether xmldom's grammar expressions are being reused (false if a new xmldom changed its internals). */
export const xmlRegexCacheActive = grammar.reg?.cached === true;
