/** A tiny real HTTP server standing in for the Rung API in tests. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake API received. */
export interface SeenRequest {
  method: string;
  url: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

/** What a route answers. */
export interface FakeReply {
  status: number;
  body?: unknown;
  /** Raw text instead of JSON. */
  text?: string;
}

/** A running fake API. */
export interface FakeApi {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Serves `route(request)` on a free port of 127.0.0.1. */
export async function startFakeApi(
  route: (req: SeenRequest) => FakeReply | Promise<FakeReply>,
): Promise<FakeApi> {
  const requests: SeenRequest[] = [];
  const server = createServer(async (req, res) => {
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body: await readBody(req),
    };
    requests.push(seen);
    const reply = await route(seen);
    if (reply.text !== undefined) {
      res.writeHead(reply.status, { 'content-type': 'text/html' }).end(reply.text);
    } else {
      res
        .writeHead(reply.status, { 'content-type': 'application/json' })
        .end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
