import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  registerSweepProgram,
  registerSweepPrograms,
  sweepFilesIn,
  withWorkerConfig,
} from '../../src/program-registration.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rung-register-'));

describe("registering a sweep file's program for its own workers", () => {
  it('names it as the sweep does and runs it from the sweep file’s folder', () => {
    const sweepFile = path.join(dir, 'project', 'sweep.yaml');
    // W&B's files write the command as a block list: in a flow list, '{' would open a mapping.
    const text = [
      'program: Train.py',
      'command:',
      '  - ${env}',
      '  - ${interpreter}',
      '  - ${program}',
      '  - ${args}',
      'method: random',
      'parameters:',
      '  x: {value: 1}',
    ].join('\n');
    const config = registerSweepProgram(
      sweepFile,
      { text, format: 'yaml' },
      path.join(dir, 'state'),
    );
    expect(config).toBe(path.join(dir, 'state', 'worker-trainers.json'));
    expect(JSON.parse(readFileSync(config!, 'utf8'))).toEqual({
      trainers: {
        'train-py': {
          program: 'Train.py',
          command: ['${env}', '${interpreter}', '${program}', '${args}'],
          cwd: path.join(dir, 'project'),
        },
      },
    });
  });

  it('keeps a trainer name the sweep gives, and registers nothing without a program', () => {
    const named = registerSweepProgram(
      path.join(dir, 's.yaml'),
      {
        text: 'program: t.py\ntrainer: mine\nmethod: random\nparameters: {x: {value: 1}}\n',
        format: 'yaml',
      },
      path.join(dir, 'state2'),
    );
    expect(Object.keys(JSON.parse(readFileSync(named!, 'utf8')).trainers)).toEqual(['mine']);
    const none = {
      text: 'trainer: mlp\nmethod: random\nparameters: {x: {value: 1}}\n',
      format: 'yaml',
    } as const;
    expect(
      registerSweepProgram(path.join(dir, 's.yaml'), none, path.join(dir, 'state3')),
    ).toBeUndefined();
    expect(
      registerSweepProgram(path.join(dir, 's.yaml'), { text: 'method: [', format: 'yaml' }, dir),
    ).toBeUndefined();
  });

  it('registers every program of a folder of sweep files, skipping what clashes', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'rung-sweep-dir-'));
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    };
    const sweep = (program: string) =>
      `program: ${program}\nmethod: random\nparameters: {x: {value: 1}}\n`;
    write('a/sweep.yaml', sweep('train.py'));
    write('a/other.yml', sweep('eval.py'));
    write('b/sweep.yaml', sweep('train.py'));
    write('package.json', '{"name": "not a sweep"}');
    write('.hidden/sweep.yaml', sweep('hidden.py'));
    write('empty.yaml', '');

    const files = sweepFilesIn(root);
    expect([...files.keys()].map((f) => path.relative(root, f)).sort()).toEqual([
      'a/other.yml',
      'a/sweep.yaml',
      'b/sweep.yaml',
      'package.json',
    ]);
    const registration = registerSweepPrograms(files, path.join(root, 'state'));
    expect(Object.fromEntries(registration.registered)).toEqual({
      'eval-py': path.join(root, 'a/other.yml'),
      'train-py': path.join(root, 'a/sweep.yaml'),
    });
    expect(registration.skipped).toEqual([
      {
        file: path.join(root, 'b/sweep.yaml'),
        reason: expect.stringMatching(
          /trainer 'train-py' is already the program of .*a\/sweep\.yaml/,
        ),
      },
    ]);
    const config = JSON.parse(readFileSync(registration.configFile!, 'utf8'));
    expect(config.trainers['train-py'].cwd).toBe(path.join(root, 'a'));
  });

  it('adds its config to the workers’ own list', () => {
    expect(withWorkerConfig({ RUNG_WORKER_CONFIG: '/etc/rung.yaml' }, '/s/w.json')).toEqual({
      RUNG_WORKER_CONFIG: `/etc/rung.yaml${path.delimiter}/s/w.json`,
    });
    expect(withWorkerConfig({}, '/s/w.json')).toEqual({ RUNG_WORKER_CONFIG: '/s/w.json' });
    expect(withWorkerConfig({ A: '1' }, undefined)).toEqual({ A: '1' });
  });
});
