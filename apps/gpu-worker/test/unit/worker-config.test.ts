import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadWorkerConfig,
  loadWorkerTrainers,
  trainersFromFlags,
} from '../../src/config/worker-config.js';
import { TrainerCatalog } from '../../src/trainers/catalog.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rung-worker-config-'));
function configFile(text: string): string {
  const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe("a worker's config file", () => {
  it('declares command and module trainers, paths resolved against its folder', () => {
    const file = configFile(`
trainers:
  train-py:
    program: train.py
    command: ['\${env}', '\${interpreter}', '\${program}', '\${args_no_hyphens}']
    env: { OMP_NUM_THREADS: "2" }
    metric_regex: '(\\w+)=([\\d.]+)'
    stop_grace_seconds: 3
  nested:
    program: ../run.sh
    cwd: jobs
    wandb_shim: false
  my-model:
    module: ./models/trainer.mjs
    resources: { gpus: 0.5, cpus: 2 }
`);
    const trainers = loadWorkerConfig(file, ['mlp', 'sleep']);
    expect(trainers).toEqual([
      {
        kind: 'command',
        name: 'train-py',
        program: 'train.py',
        command: ['${env}', '${interpreter}', '${program}', '${args_no_hyphens}'],
        spec: {
          cwd: dir,
          program: 'train.py',
          command: ['${env}', '${interpreter}', '${program}', '${args_no_hyphens}'],
          env: { OMP_NUM_THREADS: '2' },
          metricRegex: '(\\w+)=([\\d.]+)',
          stopGraceMs: 3000,
        },
      },
      {
        kind: 'command',
        name: 'nested',
        program: '../run.sh',
        spec: { cwd: path.join(dir, 'jobs'), program: '../run.sh', wandbShim: false },
      },
      {
        kind: 'module',
        name: 'my-model',
        module: path.join(dir, 'models/trainer.mjs'),
        resources: { gpus: 0.5, cpus: 2 },
      },
    ]);

    const catalog = new TrainerCatalog(trainers);
    expect(catalog.announce().map((t) => t.name)).toEqual([
      'mlp',
      'my-model',
      'nested',
      'sleep',
      'train-py',
    ]);
    expect(catalog.announce().find((t) => t.name === 'train-py')).toMatchObject({
      program: 'train.py',
    });
    expect(catalog.announce().find((t) => t.name === 'my-model')?.resources).toEqual({
      gpus: 0.5,
      cpus: 2,
    });
    expect(catalog.sourceFor({ name: 'train-py', options: { a: 1 } })).toEqual({
      name: 'train-py',
      options: { a: 1 },
      command: trainers[0]!.kind === 'command' ? trainers[0]!.spec : undefined,
    });
    expect(catalog.sourceFor({ name: 'my-model', options: {} }).module).toBe(
      path.join(dir, 'models/trainer.mjs'),
    );
    expect(catalog.sourceFor({ name: 'mlp', options: {} })).toEqual({ name: 'mlp', options: {} });
  });

  it('is refused, naming the file and the field, when it cannot be used', () => {
    const refused = (text: string) => () => loadWorkerConfig(configFile(text), ['mlp']);
    expect(refused('trainers:\n  x:\n    program: a.py\n    module: b.mjs\n')).toThrow(
      /trainers\.x: give either program\/command or module/,
    );
    expect(refused('trainers:\n  Bad:\n    program: a.py\n')).toThrow(/trainer names start with/);
    expect(refused('trainers:\n  mlp:\n    program: a.py\n')).toThrow(
      /trainers\.mlp: is the name of a built-in trainer/,
    );
    expect(refused("trainers:\n  x:\n    program: a.py\n    metric_regex: '(['\n")).toThrow(
      /trainers\.x\.metric_regex: must be a valid regular expression/,
    );
    expect(refused('trainer:\n  x: {}\n')).toThrow(/worker config .*config-/);
    expect(() => loadWorkerConfig(path.join(dir, 'none.yaml'), [])).toThrow(/none\.yaml/);
  });

  it('may be a list of files, as rung run adds its programs to the user’s own', () => {
    const own = configFile('trainers:\n  mine:\n    program: mine.py\n');
    const added = configFile('trainers:\n  train-py:\n    program: train.py\n');
    const trainers = loadWorkerTrainers([own, added].join(path.delimiter), [], ['mlp']);
    expect(trainers.map((t) => t.name)).toEqual(['mine', 'train-py']);
    expect(() => loadWorkerTrainers([own, own].join(path.delimiter), [], ['mlp'])).toThrow(
      /worker config .*config-.*: trainer mine is already declared in worker config .*config-/,
    );
    expect(() => loadWorkerTrainers(own, ['mine=other.py'], ['mlp'])).toThrow(
      /--trainer mine=other.py: trainer mine is already declared/,
    );
  });

  it('takes --trainer NAME=PATH flags: modules by their extension, programs otherwise', () => {
    expect(
      trainersFromFlags(['train-py=jobs/train.py', 'model=./m/trainer.mjs'], '/w', []),
    ).toEqual([
      {
        kind: 'command',
        name: 'train-py',
        program: 'train.py',
        spec: { cwd: '/w/jobs', program: 'train.py' },
      },
      { kind: 'module', name: 'model', module: '/w/m/trainer.mjs' },
    ]);
    expect(() => trainersFromFlags(['train.py'], '/w', [])).toThrow(
      /--trainer train.py: write NAME=PATH/,
    );
    expect(() => trainersFromFlags(['Big=x.py'], '/w', [])).toThrow(/trainer names start/);
    expect(() => trainersFromFlags(['mlp=x.py'], '/w', ['mlp'])).toThrow(/built-in/);
  });
});
