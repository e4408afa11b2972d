/** Trial output as both stores keep it: lines cut to length, pages read with a line cursor. */
import { LOG_LINE_CHARS, type LogLine, type TrialLogs } from './store.js';

/** A line as stored: its text cut to `LOG_LINE_CHARS`. */
export function cutLine(line: LogLine): LogLine {
  return line.text.length <= LOG_LINE_CHARS
    ? line
    : { ...line, text: `${line.text.slice(0, LOG_LINE_CHARS)}…` };
}

/**
 * The page after cursor `after`, from the lines kept (the last of `count` written).
 * @param kept the lines still kept, oldest first
 */
export function pageOfLogs(
  attempt: number,
  kept: readonly LogLine[],
  count: number,
  options: { after?: number; limit?: number },
): TrialLogs {
  const firstKept = count - kept.length;
  const after = Math.max(0, Math.min(options.after ?? 0, count));
  const from = Math.max(after, firstKept);
  const lines = kept.slice(
    from - firstKept,
    options.limit === undefined ? undefined : from - firstKept + options.limit,
  );
  return { attempt, lines, next: from + lines.length, dropped: from - after };
}
