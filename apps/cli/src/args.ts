/**
 * The command line: which commands exist, their options and help text, and the parsing of argv
 * (with `util.parseArgs`) into one invocation. Bad input is a {@link UsageError} (exit code 2).
 */
import { parseArgs } from 'node:util';

/** One option of a command, as `util.parseArgs` takes it plus what the help text shows. */
export interface OptionDef {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder in the help text, e.g. `N` for `--workers N`. */
  readonly arg?: string;
  readonly description: string;
}

/** A positional argument of a command. */
export interface PositionalDef {
  readonly name: string;
  readonly required: boolean;
  readonly description: string;
  /** The last positional may take any number of arguments (`name=value …`). */
  readonly variadic?: true;
}

/** A command: its name, what it does, its positionals and options. */
export interface CommandDef {
  readonly name: CommandName;
  readonly summary: string;
  readonly positionals: readonly PositionalDef[];
  readonly options: Readonly<Record<string, OptionDef>>;
  /** Extra lines at the end of `rung <cmd> --help`. */
  readonly notes?: readonly string[];
}

export type CommandName =
  | 'up'
  | 'run'
  | 'submit'
  | 'status'
  | 'leaderboard'
  | 'logs'
  | 'cancel'
  | 'pause'
  | 'resume'
  | 'set'
  | 'cost'
  | 'report'
  | 'token';

const API_OPTION: OptionDef = {
  type: 'string',
  arg: 'URL',
  description:
    'Rung API base URL (default: $RUNG_API_URL, else http://127.0.0.1:$RUNG_PORT or :8080)',
};
const JSON_OPTION: OptionDef = { type: 'boolean', description: 'Print the API response as JSON' };
const CLUSTER_OPTIONS: Readonly<Record<string, OptionDef>> = {
  workers: { type: 'string', arg: 'N', description: 'Worker processes to start (default 2)' },
  port: {
    type: 'string',
    arg: 'P',
    description: 'API port (default: $RUNG_PORT, else 8080)',
  },
  'cpu-slots': {
    type: 'string',
    arg: 'K',
    description: 'Trials each worker runs at once without a GPU (default 1)',
  },
  'state-dir': {
    type: 'string',
    arg: 'DIR',
    description: 'Folder for Redis data and logs (default ./.rung)',
  },
};

/** Every command, in the order the help text lists them. */
export const COMMANDS: readonly CommandDef[] = [
  {
    name: 'up',
    summary: 'Start a local cluster: Redis, the scheduler and N workers (Ctrl-C stops it)',
    positionals: [],
    options: {
      ...CLUSTER_OPTIONS,
      'sweep-dir': {
        type: 'string',
        arg: 'DIR',
        description:
          "Register the program of every sweep file in DIR (W&B's program/command) for the workers",
      },
    },
    notes: [
      'Uses the Redis at $REDIS_URL when set; otherwise starts a private redis-server',
      '(AOF on, data in <state-dir>/redis), so sweeps carry on after a restart.',
      "With --sweep-dir, 'rung submit DIR/<file>' runs that file's program, from its folder.",
    ],
  },
  {
    name: 'run',
    summary: 'Start a local cluster, run one sweep to the end, print its leaderboard, stop',
    positionals: [
      { name: 'file', required: true, description: 'Sweep file (.yaml, .yml or .json)' },
    ],
    options: {
      ...CLUSTER_OPTIONS,
      port: {
        type: 'string',
        arg: 'P',
        description: 'API port (default: $RUNG_PORT, else a free one)',
      },
      'state-dir': {
        type: 'string',
        arg: 'DIR',
        description: 'Folder for the logs (default ./.rung/run)',
      },
      'keep-up': {
        type: 'boolean',
        description: 'Keep the cluster running after the sweep (Ctrl-C stops it)',
      },
    },
    notes: [
      "Redis data lives in a temporary folder: a one-shot run starts clean. Use 'rung up' and",
      "'rung submit' for a cluster that keeps its state.",
      'Exit code: 0 when the sweep completed, 1 when it was cancelled, no trial completed or the',
      'cluster broke, 130 when interrupted.',
    ],
  },
  {
    name: 'submit',
    summary: 'Submit a sweep file (YAML or JSON, W&B sweep configs accepted)',
    positionals: [
      { name: 'file', required: true, description: 'Sweep file (.yaml, .yml or .json)' },
    ],
    options: {
      wait: {
        type: 'boolean',
        description: 'Show live progress until the sweep ends, then its leaderboard',
      },
      api: API_OPTION,
    },
  },
  {
    name: 'status',
    summary: 'List sweeps, or show one sweep and its trials',
    positionals: [{ name: 'id', required: false, description: 'Sweep id' }],
    options: { json: JSON_OPTION, api: API_OPTION },
  },
  {
    name: 'leaderboard',
    summary: "A sweep's best trials",
    positionals: [{ name: 'id', required: true, description: 'Sweep id' }],
    options: {
      limit: { type: 'string', arg: 'N', description: 'Trials to show (default 10)' },
      json: JSON_OPTION,
      api: API_OPTION,
    },
  },
  {
    name: 'logs',
    summary: "A trial's output (its program's stdout and stderr)",
    positionals: [
      { name: 'id', required: true, description: 'Sweep id' },
      { name: 'trial', required: true, description: 'Trial number' },
    ],
    options: {
      follow: {
        type: 'boolean',
        short: 'f',
        description: 'Keep printing new lines until the trial ends',
      },
      attempt: {
        type: 'string',
        arg: 'K',
        description: "An earlier attempt's output (default: the current one)",
      },
      api: API_OPTION,
    },
  },
  {
    name: 'cancel',
    summary: 'Cancel a running sweep (its running trials are stopped)',
    positionals: [{ name: 'id', required: true, description: 'Sweep id' }],
    options: { api: API_OPTION },
  },
  {
    name: 'pause',
    summary: 'Pause a sweep: nothing new starts until it is resumed',
    positionals: [{ name: 'id', required: true, description: 'Sweep id' }],
    options: {
      checkpoint: {
        type: 'boolean',
        description:
          'Also stop running trials at their next report (they go on from their last checkpoint on resume); by default they finish',
      },
      api: API_OPTION,
    },
  },
  {
    name: 'resume',
    summary: 'Resume a paused sweep',
    positionals: [{ name: 'id', required: true, description: 'Sweep id' }],
    options: { api: API_OPTION },
  },
  {
    name: 'set',
    summary: "Change a running sweep's parallelism, run_cap, max_duration or target",
    positionals: [
      { name: 'id', required: true, description: 'Sweep id' },
      {
        name: 'name=value',
        required: true,
        description: 'e.g. parallelism=8 run_cap=200 max_duration=7200 target=0.05 (none removes)',
        variadic: true,
      },
    ],
    options: { api: API_OPTION },
  },
  {
    name: 'cost',
    summary:
      'What a sweep cost: GPU-hours, what early stopping saved, time to near its best, money',
    positionals: [{ name: 'id', required: true, description: 'Sweep id' }],
    options: {
      'gpu-price': {
        type: 'string',
        arg: 'P',
        description: 'Price of a GPU-hour (default: the cluster’s)',
      },
      'cpu-price': {
        type: 'string',
        arg: 'P',
        description: 'Price of a CPU-hour (default: the cluster’s)',
      },
      json: JSON_OPTION,
      api: API_OPTION,
    },
  },
  {
    name: 'report',
    summary:
      'Write a sweep as one self-contained HTML file: the dashboard’s charts, no server needed',
    positionals: [{ name: 'id', required: true, description: 'Sweep id' }],
    options: {
      out: {
        type: 'string',
        short: 'o',
        arg: 'FILE',
        description: 'Where to write it (default: <sweep id>.html)',
      },
      api: API_OPTION,
    },
  },
  {
    name: 'token',
    summary: 'Make, list or revoke API tokens (needs an admin token)',
    positionals: [
      { name: 'action', required: true, description: 'create, list or revoke' },
      { name: 'id', required: false, description: 'The token to revoke (tk-…)' },
    ],
    options: {
      name: { type: 'string', arg: 'NAME', description: 'Who or what the token is for (create)' },
      scope: {
        type: 'string',
        arg: 'S',
        description: 'read, submit (read and change sweeps) or admin (default submit)',
      },
      json: JSON_OPTION,
      api: API_OPTION,
    },
    notes: [
      'Authenticates with $RUNG_TOKEN (else $RUNG_ADMIN_TOKEN, the token the scheduler was started',
      'with). The new token is printed once: only its hash is kept.',
    ],
  },
];

/** Wrong command-line input: the CLI prints the message and the usage, and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose usage to print, when known. */
    readonly command?: CommandName,
  ) {
    super(message);
  }
}

/** What argv asks for. */
export type Invocation =
  | { readonly kind: 'help'; readonly command?: CommandName }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'command';
      readonly command: CommandName;
      readonly values: Readonly<Record<string, string | boolean | undefined>>;
      readonly positionals: readonly string[];
    };

/** Finds a command by name. */
export function findCommand(name: string): CommandDef | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Parses `process.argv.slice(2)`; throws {@link UsageError} on anything it does not know. */
export function parseArgv(argv: readonly string[]): Invocation {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given');
  if (first === '--help' || first === '-h') return { kind: 'help' };
  if (first === '--version' || first === '-v') return { kind: 'version' };
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { kind: 'help' };
    const def = findCommand(topic);
    if (!def) throw new UsageError(`unknown command '${topic}'`);
    return { kind: 'help', command: def.name };
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option '${first}'`);
  const def = findCommand(first);
  if (!def) throw new UsageError(`unknown command '${first}'`);
  if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', command: def.name };

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: Object.fromEntries(
        Object.entries(def.options).map(([name, o]) => [
          name,
          o.short ? { type: o.type, short: o.short } : { type: o.type },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // parseArgs's messages are good ("Unknown option '--wokers'…"), but end with advice about
    // '--' that does not apply here; keep the first sentence.
    const message = err instanceof Error ? err.message.split('. ')[0]! : String(err);
    throw new UsageError(message, def.name);
  }
  const required = def.positionals.filter((p) => p.required).length;
  if (parsed.positionals.length < required) {
    const missing = def.positionals[parsed.positionals.length]!;
    throw new UsageError(`missing <${missing.name}>`, def.name);
  }
  if (parsed.positionals.length > def.positionals.length && !def.positionals.at(-1)?.variadic) {
    throw new UsageError(
      `unexpected argument '${parsed.positionals[def.positionals.length]}'`,
      def.name,
    );
  }
  return {
    kind: 'command',
    command: def.name,
    values: parsed.values as Record<string, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

/**
 * An integer option within [min, max], or `fallback` when absent.
 * @throws {@link UsageError} naming the option when the value is not such an integer.
 */
export function intOption(
  values: Readonly<Record<string, string | boolean | undefined>>,
  name: string,
  fallback: number,
  min: number,
  max: number,
  command?: CommandName,
): number {
  const raw = values[name];
  if (raw === undefined || typeof raw === 'boolean') return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} ${raw}: must be an integer in [${min}, ${max}]`, command);
  }
  return n;
}

/** A string option, or undefined when absent. */
export function stringOption(
  values: Readonly<Record<string, string | boolean | undefined>>,
  name: string,
): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}

/** The help text: the command list, or one command's usage and options. */
export function usage(command?: CommandName): string {
  if (!command) {
    const width = Math.max(...COMMANDS.map((c) => signature(c).length));
    return [
      'rung: distributed hyperparameter search',
      '',
      'Usage: rung <command> [options]',
      '',
      'Commands:',
      ...COMMANDS.map((c) => `  ${signature(c).padEnd(width)}  ${c.summary}`),
      '',
      'Options:',
      '  -h, --help     Show help (rung <command> --help for a command)',
      '  -v, --version  Show the version',
      '',
      'Environment: RUNG_API_URL (API for submit/status/…), RUNG_PORT, REDIS_URL (use this Redis)',
      '',
      'Start here:  npx rung run examples/<sweep>.yaml',
      '',
    ].join('\n');
  }
  const def = findCommand(command)!;
  const flags = Object.entries(def.options).map(([name, o]) => {
    const short = o.short ? `-${o.short}, ` : '';
    return [`${short}--${name}${o.arg ? ` ${o.arg}` : ''}`, o.description] as const;
  });
  flags.push(['-h, --help', 'Show this help']);
  const width = Math.max(...flags.map(([f]) => f.length));
  const lines = [`Usage: rung ${signature(def)}${flags.length > 1 ? ' [options]' : ''}`, ''];
  lines.push(def.summary, '');
  for (const p of def.positionals) lines.push(`  <${p.name}>  ${p.description}`);
  if (def.positionals.length > 0) lines.push('');
  lines.push('Options:', ...flags.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`));
  if (def.notes) lines.push('', ...def.notes);
  lines.push('');
  return lines.join('\n');
}

function signature(def: CommandDef): string {
  const positionals = def.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`));
  return [def.name, ...positionals].join(' ');
}
