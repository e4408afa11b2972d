/** The suggestion thread's entry (see suggester.ts): a `SamplerHost` behind a message port. */
import { parentPort } from 'node:worker_threads';
import { SamplerHost } from './sampler-host.js';
import type { ThreadReply, ThreadRequest } from './suggester.js';

const port = parentPort;
if (!port) throw new Error('suggest-thread.ts runs as a worker thread only');
const host = new SamplerHost();

port.on('message', (message: ThreadRequest) => {
  if (message.type === 'forget') {
    host.forget(message.sweepId);
    return;
  }
  let reply: ThreadReply;
  try {
    reply = { type: 'result', id: message.id, result: host.suggest(message.request) };
  } catch (err) {
    reply = { type: 'error', id: message.id, message: String((err as Error)?.message ?? err) };
  }
  port.postMessage(reply);
});
