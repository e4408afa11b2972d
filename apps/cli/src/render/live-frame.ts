/** A block of lines redrawn in place on a terminal (ANSI cursor-up and clear), never scrolled. */
import { truncate } from './format.js';

/** Where text goes: `process.stdout` or a test's buffer. */
export interface TextOut {
  write(text: string): unknown;
}

/** Redraws the same few lines of a terminal; see {@link LiveFrame.draw}. */
export class LiveFrame {
  private drawn = 0;

  constructor(
    private readonly out: TextOut,
    /** The terminal's width, read at each draw since the window may be resized. */
    private readonly columns: () => number,
  ) {}

  /**
   * Replaces the previous frame with `lines`. Lines are cut to the terminal's width: a wrapped
   * line would take two rows and the next redraw would climb one row too few.
   */
  draw(lines: readonly string[]): void {
    const width = Math.max(1, this.columns() - 1);
    // Back to the first row of the last frame, then clear to the end of the screen.
    let text = this.drawn > 0 ? `\r\x1b[${this.drawn}A\x1b[0J` : '';
    for (const line of lines) text += `${truncate(line, width)}\n`;
    this.out.write(text);
    this.drawn = lines.length;
  }

  /** Leaves the last frame on screen as it is; whatever is written next goes below it. */
  release(): void {
    this.drawn = 0;
  }
}
