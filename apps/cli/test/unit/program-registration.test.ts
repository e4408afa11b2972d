import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerSweepProgram } from '../../src/program-registration.js';

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
});
