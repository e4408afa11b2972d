/**
 * Suggestions off the event loop. A GP fit takes 100–300 ms; made on the thread that serves the
 * API and renews the leader lease, it would stall both. `ThreadSuggester` runs the samplers in a
 * worker thread (suggest-thread.ts); `InlineSuggester` runs the same `SamplerHost` in-process, for
 * unit tests and the simulator. Both give the same points.
 */
import { ThreadRpc } from '../threads/thread-rpc.js';
import { SamplerHost, type SuggestRequest, type SuggestResult } from './sampler-host.js';

export interface Suggester {
  suggest(request: SuggestRequest): Promise<SuggestResult>;
  /** Drops a sweep's sampler and history. */
  forget(sweepId: string): void;
  close(): Promise<void>;
}

export class InlineSuggester implements Suggester {
  private readonly host = new SamplerHost();

  async suggest(request: SuggestRequest): Promise<SuggestResult> {
    return this.host.suggest(request);
  }

  forget(sweepId: string): void {
    this.host.forget(sweepId);
  }

  async close(): Promise<void> {}
}

/** What the suggestion thread is asked. */
export type SuggestThreadRequest =
  | { type: 'suggest'; request: SuggestRequest }
  | { type: 'forget'; sweepId: string };

export class ThreadSuggester implements Suggester {
  private readonly rpc = new ThreadRpc<SuggestThreadRequest, SuggestResult>(
    new URL('./suggest-thread.js', import.meta.url),
  );

  suggest(request: SuggestRequest): Promise<SuggestResult> {
    return this.rpc.call({ type: 'suggest', request });
  }

  forget(sweepId: string): void {
    this.rpc.notify({ type: 'forget', sweepId });
  }

  close(): Promise<void> {
    return this.rpc.close();
  }
}
