/** Reading every trial of a sweep, a page at a time (without reports), for routes that need all. */
import type { Trial } from '@rung/shared';
import type { Store } from '@rung/store';

/** The sweep's trials in number order, `size` a page. */
export async function* trialPages(
  store: Store,
  sweepId: string,
  size: number,
): AsyncGenerator<Trial[]> {
  for (let after = -1; ; ) {
    const page = await store.listTrials(sweepId, { after, limit: size, reports: false });
    if (page.length > 0) yield page;
    if (page.length < size) return;
    after = page.at(-1)!.number;
  }
}
