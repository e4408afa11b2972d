import { describe, expect, it } from 'vitest';
import { intOption, parseArgv, UsageError, usage } from '../../src/args.js';
import { clusterOptions } from '../../src/commands/cluster-output.js';
import { main } from '../../src/main.js';
import { testIo } from './support/test-io.js';

function usageError(argv: string[]): UsageError {
  try {
    parseArgv(argv);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`expected a UsageError for ${argv.join(' ')}`);
}

describe('parseArgv', () => {
  it('reads a command with its options and positionals', () => {
    expect(parseArgv(['submit', 'sweep.yaml', '--wait', '--api', 'http://h:1'])).toEqual({
      kind: 'command',
      command: 'submit',
      values: { wait: true, api: 'http://h:1' },
      positionals: ['sweep.yaml'],
    });
    expect(parseArgv(['up', '--workers', '4', '--cpu-slots=2'])).toMatchObject({
      command: 'up',
      values: { workers: '4', 'cpu-slots': '2' },
    });
    expect(parseArgv(['status'])).toMatchObject({ command: 'status', positionals: [] });
  });

  it('answers --help globally and per command, and `help <cmd>`', () => {
    expect(parseArgv(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgv(['-h'])).toEqual({ kind: 'help' });
    expect(parseArgv(['run', 'x.yaml', '--help'])).toEqual({ kind: 'help', command: 'run' });
    // --help wins even when the rest of the line is wrong.
    expect(parseArgv(['up', '--bogus', '-h'])).toEqual({ kind: 'help', command: 'up' });
    expect(parseArgv(['help', 'leaderboard'])).toEqual({ kind: 'help', command: 'leaderboard' });
  });

  it('rejects what it does not know, naming it and the command', () => {
    expect(usageError([]).message).toBe('no command given');
    expect(usageError(['deploy']).message).toBe("unknown command 'deploy'");
    expect(usageError(['--wat']).message).toBe("unknown option '--wat'");
    const flag = usageError(['up', '--wokers', '3']);
    expect(flag.message).toContain("'--wokers'");
    expect(flag.command).toBe('up');
    expect(usageError(['submit']).message).toBe('missing <file>');
    expect(usageError(['leaderboard', 'a', 'b']).message).toBe("unexpected argument 'b'");
    expect(usageError(['status', '--api']).message).toContain('--api');
    // A boolean flag takes no value.
    expect(usageError(['submit', 'f.yaml', '--wait=yes']).command).toBe('submit');
  });
});

describe('intOption', () => {
  it('takes integers in range, defaults when absent, and names the flag otherwise', () => {
    expect(intOption({ workers: '3' }, 'workers', 2, 0, 10)).toBe(3);
    expect(intOption({}, 'workers', 2, 0, 10)).toBe(2);
    for (const bad of ['x', '1.5', '11', '-1', '']) {
      expect(() => intOption({ workers: bad }, 'workers', 2, 0, 10)).toThrow(
        `--workers ${bad}: must be an integer in [0, 10]`,
      );
    }
  });
});

describe('clusterOptions', () => {
  const defaults = { port: 8080, stateDir: '.rung' };
  it('takes the port from the flag, else RUNG_PORT, else the default', () => {
    expect(clusterOptions({ port: '9001' }, { RUNG_PORT: '9002' }, 'up', defaults).port).toBe(9001);
    expect(clusterOptions({}, { RUNG_PORT: '9002' }, 'up', defaults).port).toBe(9002);
    expect(clusterOptions({}, {}, 'up', defaults).port).toBe(8080);
    expect(clusterOptions({}, {}, 'run', { ...defaults, port: 0 }).port).toBe(0);
    expect(() => clusterOptions({}, { RUNG_PORT: 'http' }, 'up', defaults)).toThrow(
      'RUNG_PORT=http',
    );
  });

  it('reads workers, cpu slots, the state folder and REDIS_URL', () => {
    const env = { REDIS_URL: 'redis://r:1' };
    expect(
      clusterOptions(
        { workers: '4', 'cpu-slots': '2', 'state-dir': '/tmp/s' },
        env,
        'up',
        defaults,
      ),
    ).toMatchObject({ workers: 4, cpuSlots: 2, stateDir: '/tmp/s', redisUrl: 'redis://r:1' });
    const plain = clusterOptions({}, {}, 'up', defaults);
    expect(plain).toMatchObject({ workers: 2, cpuSlots: 1, stateDir: '.rung' });
    expect(plain.redisUrl).toBeUndefined();
    expect(() => clusterOptions({ 'cpu-slots': '0' }, {}, 'up', defaults)).toThrow(UsageError);
  });
});

describe('usage', () => {
  it('lists every command, and each command its options', () => {
    const all = usage();
    for (const cmd of ['up', 'run <file>', 'submit <file>', 'status [id]', 'leaderboard <id>']) {
      expect(all).toContain(cmd);
    }
    const up = usage('up');
    expect(up).toContain('Usage: rung up [options]');
    expect(up).toContain('--workers N');
    expect(up).toContain('--state-dir DIR');
    expect(usage('leaderboard')).toContain('--limit N');
  });
});

describe('main', () => {
  it('prints usage to stderr and exits 2 on a usage error', async () => {
    const io = testIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.stderr()).toContain("rung: unknown command 'frobnicate'");
    expect(io.stderr()).toContain('Usage: rung <command>');
    expect(io.stdout()).toBe('');
  });

  it('exits 2 with the command usage when an option value is bad', async () => {
    const io = testIo();
    expect(await main(['up', '--workers', 'many'], io)).toBe(2);
    expect(io.stderr()).toContain('--workers many: must be an integer');
    expect(io.stderr()).toContain('Usage: rung up');
  });

  it('prints help to stdout and exits 0', async () => {
    const io = testIo();
    expect(await main(['leaderboard', '--help'], io)).toBe(0);
    expect(io.stdout()).toContain('Usage: rung leaderboard <id>');
    const v = testIo();
    expect(await main(['--version'], v)).toBe(0);
    expect(v.stdout()).toMatch(/^rung \d+\.\d+\.\d+/);
  });

  it('reports an unreadable sweep file with exit 1, before calling any API', async () => {
    const io = testIo({ RUNG_API_URL: 'http://127.0.0.1:9' });
    expect(await main(['submit', 'no/such/sweep.yaml'], io)).toBe(1);
    expect(io.stderr()).toBe('cannot read sweep file no/such/sweep.yaml: no such file\n');
  });
});
