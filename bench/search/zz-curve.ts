import { buildSpace } from '@rung/search';
import { runSeed } from './harness.js';
import { loadObjective } from './objective.js';
import { samplerFactory } from './samplers.js';

const [name, sampler, parallel, trials, from, to] = process.argv.slice(2);
const obj = await loadObjective(name!);
const opt = (obj as any).optimum ?? 0;
for (let seed = Number(from); seed < Number(to); seed++) {
  const run = runSeed(obj, buildSpace(obj.parameters), samplerFactory(sampler!)(), seed, {
    trials: Number(trials),
    parallel: Number(parallel),
    clock: () => performance.now(),
  });
  console.log(seed, run.bestLossAfter.map((b) => b - opt).join(' '));
}
