/**
 * A TCP proxy in front of Redis that the chaos harness turns bad on purpose: for a while it holds
 * every chunk back (latency, in order), or it cuts every connection at once (a network blip).
 * Every Rung process talks to Redis through it; the harness checks the records directly.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface FlakyProxy {
  readonly port: number;
  /** Delays each chunk by up to `maxMs` (order kept) until `untilMs` (epoch ms). */
  slowDown(maxMs: number, untilMs: number): void;
  /** Cuts every connection now: clients reconnect. */
  cutAll(): number;
  close(): Promise<void>;
}

export async function startFlakyProxy(
  upstreamPort: number,
  random: () => number,
): Promise<FlakyProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let slow = { maxMs: 0, untilMs: 0 };
  const delay = () => (Date.now() < slow.untilMs ? random() * slow.maxMs : 0);
  /** Forwards `from` → `to`, each chunk after the ones before it, each maybe late. */
  const pipe = (from: Socket, to: Socket) => {
    let last = Promise.resolve();
    from.on('data', (chunk) => {
      const wait = delay();
      last = last.then(async () => {
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (!to.destroyed) to.write(chunk);
      });
    });
  };
  const server: Server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const cutAll = () => {
    const n = pairs.size;
    for (const { client, upstream } of [...pairs]) {
      client.destroy();
      upstream.destroy();
    }
    return n;
  };
  return {
    port,
    slowDown(maxMs, untilMs) {
      slow = { maxMs, untilMs };
    },
    cutAll,
    async close() {
      cutAll();
      await new Promise((r) => server.close(r));
    },
  };
}
