/** The thinned learning curve a scheduler keeps per active trial for multi-fidelity samplers. */
import { describe, expect, it } from 'vitest';
import { addToSketch, emptySketch, sketchCurve } from '../src/index.js';

const steps = (curve: { step: number }[]) => curve.map((p) => p.step);

describe('curve sketch', () => {
  it('keeps steps that at least double, and the last one', () => {
    const sketch = emptySketch();
    for (let step = 1; step <= 50; step++) addToSketch(sketch, { step, loss: 1 / step });
    expect(steps(sketchCurve(sketch))).toEqual([1, 2, 4, 8, 16, 32, 50]);
    expect(sketchCurve(sketch).at(-1)).toEqual({ step: 50, loss: 1 / 50 });
  });

  it('thins sparse reports the same way, and never repeats the last step', () => {
    const sketch = emptySketch();
    for (let step = 100; step <= 1000; step += 100) addToSketch(sketch, { step, loss: step });
    expect(steps(sketchCurve(sketch))).toEqual([100, 200, 400, 800, 1000]);
    const exact = emptySketch();
    for (const step of [1, 2, 4]) addToSketch(exact, { step, loss: step });
    expect(steps(sketchCurve(exact))).toEqual([1, 2, 4]);
  });

  it('lets a newer attempt replace what an older one reported from its restart on', () => {
    const sketch = emptySketch();
    for (let step = 1; step <= 9; step++) addToSketch(sketch, { step, loss: 10 });
    // Rerun from a checkpoint at step 3: its reports from step 4 replace the lost attempt's.
    for (let step = 4; step <= 5; step++) addToSketch(sketch, { step, loss: 1 });
    expect(sketchCurve(sketch)).toEqual([
      { step: 1, loss: 10 },
      { step: 2, loss: 10 },
      { step: 4, loss: 1 },
      { step: 5, loss: 1 },
    ]);
  });

  it('skips losses that are not finite', () => {
    const sketch = emptySketch();
    addToSketch(sketch, { step: 1, loss: 2 });
    addToSketch(sketch, { step: 2, loss: Number.NaN });
    addToSketch(sketch, { step: 3, loss: Number.POSITIVE_INFINITY });
    expect(sketchCurve(sketch)).toEqual([{ step: 1, loss: 2 }]);
  });
});
