/**
 * The examples in docs/TRAINERS.md run as written: the module trainer in a real trial process
 * (checkpoints and resume included), and the workers' config file through the worker's loader.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../src/config/worker-config.js';
import { startTrialProcess } from '../../src/trial-process/trial-process.js';

const DOC = fileURLToPath(new URL('../../../../docs/TRAINERS.md', import.meta.url));

/** The first fenced block of `language` after `heading` in the doc. */
function example(heading: string, language: string): string {
  const text = readFileSync(DOC, 'utf8');
  const at = text.indexOf(heading);
  if (at < 0) throw new Error(`docs/TRAINERS.md has no "${heading}"`);
  const block = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(text.slice(at));
  if (!block) throw new Error(`no ${language} block after "${heading}"`);
  return block[1]!;
}

function runModule(file: string, checkpointDir: string, resumeStep?: number) {
  const reports: [number, number][] = [];
  const checkpoints: number[] = [];
  const proc = startTrialProcess({
    trialId: 'sw-doc-0',
    trainer: { name: 'doc', module: file },
    params: { learning_rate: 0.5 },
    seed: 1,
    checkpointDir,
    ...(resumeStep !== undefined && { resumeStep }),
    onReport: (step, metrics) => {
      reports.push([step, metrics.val_loss!]);
    },
    onCheckpoint: (step) => {
      checkpoints.push(step);
    },
  });
  return { proc, reports, checkpoints };
}

describe('docs/TRAINERS.md', () => {
  it('has a module trainer that learns, checkpoints, and resumes as written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rung-docs-'));
    const file = path.join(dir, 'trainer.mjs');
    writeFileSync(file, example('## Module trainers', 'js'));
    const checkpointDir = path.join(dir, 'checkpoints', 'sw', '0');

    const whole = runModule(file, checkpointDir);
    expect(await whole.proc.done).toMatchObject({ kind: 'result' });
    expect(whole.reports.map(([step]) => step)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(whole.reports.at(-1)![1]).toBeLessThan(whole.reports[0]![1] / 10);
    expect(whole.checkpoints).toHaveLength(20);

    // A new attempt from step 12's checkpoint reports what the whole run reported after it.
    const resumed = runModule(file, checkpointDir, 12);
    expect(await resumed.proc.done).toMatchObject({ kind: 'result' });
    expect(resumed.reports).toEqual(whole.reports.slice(12));
  });

  it("has a workers' config file the worker loads", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rung-docs-'));
    const file = path.join(dir, 'rung-worker.yaml');
    writeFileSync(file, example("### The workers' config file", 'yaml'));
    const trainers = loadWorkerConfig(file, ['mlp', 'sleep']);
    expect(trainers.map((t) => [t.name, t.kind])).toEqual([
      ['train-py', 'command'],
      ['my-model', 'module'],
    ]);
  });
});
