/** The last lines of a child's log file, with pino's JSON lines made readable for a person. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const PINO_LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Bytes read from the end of the file: enough for dozens of log lines, bounded for huge logs. */
const TAIL_BYTES = 64 * 1024;

/** The last `n` non-empty lines of `file`, formatted by {@link formatLogLine}; [] if unreadable. */
export function readTail(file: string, n: number): string[] {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    const lines = buf.toString('utf8').split('\n');
    // The first line may be cut in the middle when the file is longer than what was read.
    if (size > length) lines.shift();
    return lines
      .filter((l) => l.trim() !== '')
      .slice(-n)
      .map(formatLogLine);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A pino JSON line as `LEVEL message (err: …)`; any other line as it is (a stack trace that Node
 * printed to stderr on a crash, for instance).
 */
export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let entry: { level?: unknown; msg?: unknown; err?: { message?: unknown } };
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry.msg !== 'string') return line;
  const level =
    typeof entry.level === 'number' ? (PINO_LEVELS[entry.level] ?? entry.level) : entry.level;
  const err = typeof entry.err?.message === 'string' ? ` (err: ${entry.err.message})` : '';
  return `${level ?? 'LOG'} ${entry.msg}${err}`;
}
