import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  canTransition,
  canTransitionSweep,
  isActive,
  SWEEP_STATES,
  SWEEP_TRANSITIONS,
  TRIAL_STATES,
  TRIAL_TRANSITIONS,
} from '../src/index.js';

describe('the trial state machine', () => {
  it('has a row for every state, naming only known states', () => {
    expect(Object.keys(TRIAL_TRANSITIONS).sort()).toEqual([...TRIAL_STATES].sort());
    for (const tos of Object.values(TRIAL_TRANSITIONS)) {
      for (const to of tos) expect(TRIAL_STATES).toContain(to);
    }
    expect(Object.keys(SWEEP_TRANSITIONS).sort()).toEqual([...SWEEP_STATES].sort());
  });

  it('ends in completed, pruned, failed or cancelled, and nothing leaves them', () => {
    expect(TRIAL_STATES.filter((s) => !isActive(s))).toEqual([
      'completed',
      'pruned',
      'failed',
      'cancelled',
    ]);
    expect(canTransition('completed', 'running')).toBe(false);
    expect(canTransition('queued', 'completed')).toBe(false);
    expect(canTransition('running', 'running')).toBe(true);
    expect(canTransition('paused', 'queued')).toBe(true);
    expect(canTransitionSweep('paused', 'running')).toBe(true);
    expect(canTransitionSweep('completed', 'running')).toBe(false);
  });

  it('is drawn in docs/ARCHITECTURE.md exactly as the table says', () => {
    const doc = readFileSync(new URL('../../../docs/ARCHITECTURE.md', import.meta.url), 'utf8');
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const drawn = new Set(
      [...diagram.matchAll(/^\s*(\w+) --> (\w+)/gm)].map((m) => `${m[1]} → ${m[2]}`),
    );
    const table = new Set(
      Object.entries(TRIAL_TRANSITIONS).flatMap(([from, tos]) =>
        tos.map((to) => `${from} → ${to}`),
      ),
    );
    expect(drawn).toEqual(table);
  });
});
