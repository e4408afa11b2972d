/** How values look in the terminal: parameters, cut lines, redacted URLs (numbers, durations and prune
 * reasons: `@rung/shared/format`). */
import { formatNumber } from '@rung/shared/format';

/** Parameters on one line, nested ones dotted: `lr=0.003 layers=2 opt.name=adam`. */
export function formatParams(params: Record<string, unknown>, prefix = ''): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    const key = prefix + name;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      parts.push(formatParams(value as Record<string, unknown>, `${key}.`));
    } else if (typeof value === 'number') {
      parts.push(`${key}=${formatNumber(value)}`);
    } else {
      parts.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
  }
  return parts.filter((p) => p !== '').join(' ');
}

/** Cuts a line to `width` characters with an ellipsis, so a redraw never wraps. */
export function truncate(line: string, width: number): string {
  if (width <= 0 || line.length <= width) return line;
  return width === 1 ? '…' : `${line.slice(0, width - 1)}…`;
}

/** A Redis URL with its password hidden, fit to print. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
