/** Multi-fidelity GP-BO's data: the history as observations over (features, step). */
import { describe, expect, it } from 'vitest';
import { buildSpace, type FinishedTrial } from '../src/index.js';
import { encodingOf } from '../src/samplers/gp/encoding.js';
import { atLastStep, fidelityObservations } from '../src/samplers/gp/fidelity.js';

const SPACE = buildSpace({ a: { distribution: 'uniform', min: 0, max: 1 } });
const encoding = encodingOf(SPACE);
const curve = (...steps: number[]) => steps.map((step) => ({ step, loss: 10 / step }));

describe('fidelity observations', () => {
  it('is undefined while every result is final: the plain GP is the same model', () => {
    const history: FinishedTrial[] = [
      { number: 0, state: 'completed', point: [0.1], loss: 1, step: 8, curve: curve(1, 2, 4, 8) },
      { number: 1, state: 'failed', point: [0.2] },
    ];
    expect(fidelityObservations(history, encoding)).toBeUndefined();
  });

  it('places each curve’s last three losses at z = ln(step) / ln(last step), finals at 1', () => {
    const history: FinishedTrial[] = [
      {
        number: 0,
        state: 'completed',
        point: [0.1],
        loss: 0.9,
        step: 16,
        curve: curve(1, 2, 4, 8, 16),
      },
      { number: 1, state: 'pruned', point: [0.2], loss: 5, step: 4, curve: curve(1, 2, 4) },
      // Stopped, with no curve kept (a history rebuilt from the records): its last loss.
      { number: 2, state: 'pruned', point: [0.3], loss: 7, step: 2 },
      { number: 3, state: 'failed', point: [0.4] },
      // Diverged: as bad as the worst final seen.
      { number: 4, state: 'completed', point: [0.5], loss: Number.NaN, step: 16 },
    ];
    const data = fidelityObservations(history, encoding)!;
    expect(data.trials).toBe(4);
    const rows = data.observations.map((o) => ({
      number: o.number,
      z: Number(o.x[1]!.toFixed(4)),
      loss: o.loss,
      completed: o.completed,
    }));
    const z = (step: number) => Number((Math.log(step) / Math.log(16)).toFixed(4));
    expect(rows).toEqual([
      { number: 0, z: z(4), loss: 2.5, completed: false },
      { number: 0, z: z(8), loss: 1.25, completed: false },
      { number: 0, z: 1, loss: 0.9, completed: true },
      { number: 1, z: 0, loss: 10, completed: false },
      { number: 1, z: z(2), loss: 5, completed: false },
      { number: 1, z: z(4), loss: 2.5, completed: false },
      { number: 2, z: z(2), loss: 7, completed: false },
      { number: 4, z: 1, loss: 0.9, completed: true },
    ]);
    expect(data.observations[0]!.x[0]).toBeCloseTo(0.1);
  });

  it('scores a point at the last step, with the gradient in its features only', () => {
    const seen: number[][] = [];
    const inner = {
      value: (x: Float64Array) => {
        seen.push([...x]);
        return x[0]! * 2;
      },
      valueAndGradient: (x: Float64Array, g: Float64Array) => {
        seen.push([...x]);
        g[0] = 2;
        g[1] = 7;
        return x[0]! * 2;
      },
    };
    const lifted = atLastStep(inner, 1);
    const grad = new Float64Array(1);
    expect(lifted.value(Float64Array.of(0.25))).toBe(0.5);
    expect(lifted.valueAndGradient(Float64Array.of(0.5), grad)).toBe(1);
    expect([...grad]).toEqual([2]);
    expect(seen).toEqual([
      [0.25, 1],
      [0.5, 1],
    ]);
  });
});
