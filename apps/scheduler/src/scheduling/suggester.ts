/**
 * Suggestions off the event loop. A GP fit takes 100–300 ms; made on the thread that serves the
 * API and renews the leader lease, it would stall both. `ThreadSuggester` runs the samplers in a
 * worker thread (its own V8 heap and event loop) and answers by message; `InlineSuggester` runs
 * the same `SamplerHost` in-process, for unit tests and the simulator.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
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

/** Messages to the thread. */
export type ThreadRequest =
  | { type: 'suggest'; id: number; request: SuggestRequest }
  | { type: 'forget'; sweepId: string };

/** Messages from the thread. */
export type ThreadReply =
  | { type: 'result'; id: number; result: SuggestResult }
  | { type: 'error'; id: number; message: string };

export class ThreadSuggester implements Suggester {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { resolve: (r: SuggestResult) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private failure: Error | undefined;

  constructor() {
    this.worker = startThread();
    this.worker.on('message', (reply: ThreadReply) => {
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (reply.type === 'result') w.resolve(reply.result);
      else w.reject(new Error(reply.message));
    });
    const fail = (err: Error) => {
      this.failure = err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`suggestion thread exited (${code})`)));
    // An idle thread must not keep the process alive; one with a request out must.
    this.worker.unref();
  }

  suggest(request: SuggestRequest): Promise<SuggestResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'suggest', id, request } satisfies ThreadRequest);
    });
  }

  forget(sweepId: string): void {
    if (!this.failure) this.worker.postMessage({ type: 'forget', sweepId } satisfies ThreadRequest);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The thread runs the built `suggest-thread.js` beside this file. From the TypeScript sources
 * (tests), a small bootstrap registers tsx in the thread first, then imports the `.ts` entry with
 * the same export conditions as the parent (workspace packages resolve to their sources).
 */
function startThread(): Worker {
  const js = new URL('./suggest-thread.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js);
  const ts = new URL('./suggest-thread.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(bootstrap, { eval: true, execArgv: [...process.execArgv] });
}
