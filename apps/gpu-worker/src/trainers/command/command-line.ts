/**
 * A command trainer's command line, with W&B's sweep semantics as they are: the `command` list
 * (default `${env} ${interpreter} ${program} ${args}`) with its macros expanded, and parameters
 * written the way W&B's agent writes them — Python's `str()` of each value, so a boolean is
 * `True`/`False` and a list `[1, 2]` — so that a script written for W&B sweeps parses them
 * unchanged. Pure: no I/O.
 */
import type { Params, ParamValue } from '@rung/search';

/** W&B's default command. */
export const DEFAULT_COMMAND: readonly string[] = [
  '${env}',
  '${interpreter}',
  '${program}',
  '${args}',
];

/** The interpreter `${interpreter}` stands for, from the program's extension. */
export function interpreterFor(program: string): string | undefined {
  const ext = program.slice(program.lastIndexOf('.')).toLowerCase();
  if (ext === '.py') return 'python3';
  if (ext === '.sh') return 'bash';
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') return 'node';
  return undefined;
}

export interface CommandLineInput {
  /** The sweep's `command`, or W&B's default. */
  command?: readonly string[];
  /** The program's path, as `${program}` will show it. */
  program?: string;
  /** `${interpreter}`; @defaultValue from the program's extension (none: the program runs itself) */
  interpreter?: string;
  params: Params;
  /** Names of the parameters drawn as floats, written as Python writes a float (`1.0`, `1e-05`). */
  floats?: ReadonlySet<string>;
  /** The file `${args_json_file}` names (it holds the parameters as JSON). */
  paramsFile: string;
  /** For `${envvar:NAME}`. */
  env: Readonly<Record<string, string | undefined>>;
}

/** The argv to run (its first entry the executable). Empty entries (`${env}` off Unix) are dropped. */
export function commandLine(input: CommandLineInput): string[] {
  const names = Object.keys(input.params);
  const str = (name: string) => pythonStr(input.params[name]!, input.floats?.has(name) ?? false);
  const macros: Record<string, string[]> = {
    env: process.platform === 'win32' ? [] : ['/usr/bin/env'],
    interpreter: input.interpreter
      ? [input.interpreter]
      : (() => {
          const found = input.program ? interpreterFor(input.program) : undefined;
          return found ? [found] : [];
        })(),
    program: input.program ? [input.program] : [],
    args: names.map((n) => `--${n}=${str(n)}`),
    args_no_hyphens: names.map((n) => `${n}=${str(n)}`),
    args_no_boolean_flags: names.flatMap((n) => {
      const v = input.params[n];
      if (typeof v === 'boolean') return v ? [`--${n}`] : [];
      return [`--${n}=${str(n)}`];
    }),
    args_json: [JSON.stringify(input.params)],
    args_json_file: [input.paramsFile],
  };
  const argv: string[] = [];
  for (const chunk of input.command ?? DEFAULT_COMMAND) {
    const whole = /^\$\{(\w+)\}$/.exec(chunk);
    if (whole && Object.hasOwn(macros, whole[1]!)) {
      argv.push(...macros[whole[1]!]!);
      continue;
    }
    // ${envvar:NAME} inside a chunk: the variable's value, or its name when unset (as W&B does).
    argv.push(
      chunk.replace(/\$\{envvar:([A-Za-z0-9_]*)\}/g, (_m, name: string) => input.env[name] ?? name),
    );
  }
  return argv;
}

/** Python's `str()` of a parameter value (`repr` inside lists and objects, as Python prints them). */
export function pythonStr(value: ParamValue | unknown, float = false): string {
  if (typeof value === 'string') return value;
  return pythonRepr(value, float);
}

function pythonRepr(value: unknown, float: boolean): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number')
    return float || !Number.isInteger(value) ? pythonFloat(value) : String(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map((v) => pythonRepr(v, false)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${pythonRepr(k, false)}: ${pythonRepr(v, false)}`).join(', ')}}`;
}

/** Python's `repr(float)`: the shortest round-trip digits, `1.0` not `1`, `1e-05` not `1e-5`. */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // Python switches to exponent notation below 1e-4 and from 1e16, as repr does.
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e16) {
    const s = String(x);
    if (s.includes('e')) return pythonExponent(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  return pythonExponent(x);
}

function pythonExponent(x: number): string {
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  const sign = exponent.startsWith('-') ? '-' : '+';
  const digits = exponent.replace(/^[-+]/, '').padStart(2, '0');
  return `${mantissa}e${sign}${digits}`;
}
