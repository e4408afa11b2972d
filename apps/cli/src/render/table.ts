/** Plain-text tables: columns padded to their widest cell, two spaces apart, no colours. */

/** One column of a table. */
export interface Column {
  readonly header: string;
  /** Numbers read best right-aligned. @defaultValue `left` */
  readonly align?: 'left' | 'right';
}

/**
 * The table's lines: the header, then one line per row. The last column is not padded, so a long
 * last cell (parameters, a prune reason) does not push trailing spaces onto every line.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
): string[] {
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const last = i === columns.length - 1;
        if (c.align === 'right') return cell.padStart(widths[i]!);
        return last ? cell : cell.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map((r) => line(r))];
}
