/**
 * Calls into a worker thread: CPU-heavy work (a GP fit, validating a 1 MB sweep spec) runs on its
 * own V8 heap and event loop, so the API and the leader lease never wait on it. One thread, one
 * request at a time in order; errors come back as errors with their `code` (and `issues`), so a
 * `RungError` thrown in the thread is one in the caller too.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';
import { RungError, SpecError, type SpecIssue } from '@rung/shared';

/** An error as it crosses the thread boundary. */
interface WireError {
  message: string;
  code?: string;
  issues?: SpecIssue[];
  details?: unknown;
}

type Reply = { id: number; result: unknown } | { id: number; error: WireError };

export class ThreadRpc<Request, Result> {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { resolve: (r: Result) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private failure: Error | undefined;

  /** @param entry the thread's module, as `new URL('./x.js', import.meta.url)` of the caller */
  constructor(entry: URL) {
    this.worker = startThread(entry);
    this.worker.on('message', (reply: Reply) => {
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) this.worker.unref();
      if ('error' in reply) w.reject(fromWire(reply.error));
      else w.resolve(reply.result as Result);
    });
    const fail = (err: Error) => {
      this.failure = err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`worker thread exited (${code})`)));
    // An idle thread must not keep the process alive; one with a request out must.
    this.worker.unref();
  }

  call(request: Request): Promise<Result> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, request });
    });
  }

  /** Sends a request whose answer nobody awaits (id 0). */
  notify(request: Request): void {
    if (!this.failure) this.worker.postMessage({ id: 0, request });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** The thread's side: answers each request with `handle`'s result, or its error. */
export function serveThread<Request>(handle: (request: Request) => unknown): void {
  const port = parentPort;
  if (!port) throw new Error('this module runs as a worker thread only');
  port.on('message', ({ id, request }: { id: number; request: Request }) => {
    let reply: Reply;
    try {
      reply = { id, result: handle(request) };
    } catch (err) {
      reply = { id, error: toWire(err) };
    }
    if (id !== 0) port.postMessage(reply);
  });
}

function toWire(err: unknown): WireError {
  const e = err instanceof Error ? err : new Error(String(err));
  const wire: WireError = { message: e.message };
  if (err instanceof RungError) {
    wire.code = err.code;
    if (err.details !== undefined) wire.details = err.details;
  }
  if (err instanceof SpecError) wire.issues = [...err.issues];
  return wire;
}

function fromWire(wire: WireError): Error {
  if (wire.issues) return new SpecError(wire.issues);
  if (wire.code) {
    return new RungError(wire.code as RungError['code'], wire.message, { details: wire.details });
  }
  return new Error(wire.message);
}

/**
 * The thread runs the built `.js` module. From the TypeScript sources (tests), a small bootstrap
 * registers tsx in the thread first, then imports the `.ts` module with the parent's export
 * conditions (workspace packages resolve to their sources).
 */
function startThread(entry: URL): Worker {
  if (existsSync(fileURLToPath(entry))) return new Worker(entry);
  const ts = entry.href.replace(/\.js$/, '.ts');
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(bootstrap, { eval: true, execArgv: [...process.execArgv] });
}
