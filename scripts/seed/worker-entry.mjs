// Where the generator's thread starts: worker threads do not take the parent's loader hooks
// on Node 20 (nor Vitest's), so it registers tsx itself before loading its TypeScript.
//
// One more hook, for speed only: tsx compiles with esbuild's keepNames, which wraps every
// named function expression in `__name(fn, "name")`, a defineProperty call each time the
// closure is made. The domain makes a few closures per transition (kpiDelta's `add`, act's
// `startStep`), ten million transitions in a full history: ~16 % of this thread's time.
// Names are kept anyway (tsx does not minify identifiers, and JavaScript names a function
// after the const it is assigned to), so the helper is made the identity here. If another
// tsx compiles it differently, nothing is replaced and the history is the same, only slower.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
const hook = `
const helper = /var __name\\s*=\\s*\\(target,\\s*value\\)\\s*=>\\s*__defProp\\(target,\\s*"name",\\s*\\{\\s*value,\\s*configurable:\\s*(?:true|!0)\\s*\\}\\);/;
export async function load(url, context, nextLoad) {
  const r = await nextLoad(url, context);
  if (!url.endsWith('.ts') || r.source == null) return r;
  const source = typeof r.source === 'string' ? r.source : new TextDecoder().decode(r.source);
  return { ...r, source: source.replace(helper, 'var __name = (target) => target;') };
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
await import('./worker.ts');
