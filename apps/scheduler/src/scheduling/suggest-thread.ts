/** The suggestion thread (see suggester.ts): a `SamplerHost` behind a message port. */
import { serveThread } from '../threads/thread-rpc.js';
import { SamplerHost } from './sampler-host.js';
import type { SuggestThreadRequest } from './suggester.js';

const host = new SamplerHost();

serveThread((message: SuggestThreadRequest) => {
  if (message.type === 'forget') return host.forget(message.sweepId);
  return host.suggest(message.request);
});
