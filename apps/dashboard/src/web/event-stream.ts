/**
 * Follows a sweep's event log live (`GET /v1/sweeps/:id/stream`). Read with fetch rather than
 * EventSource, which cannot send the bearer token; like EventSource it reconnects with
 * `Last-Event-ID`, so after an API restart it goes on after the last event it got.
 */
import { authHeaders } from './api.js';

export interface StreamEvent {
  id: string;
  type: string;
  data: string;
}

/** Server-Sent Events parsing (the fields Rung sends: id, event, data; comments skipped). */
export class SseParser {
  private buffer = '';

  /** Feeds a chunk of the stream; returns the events it completed. */
  push(chunk: string): StreamEvent[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    const events: StreamEvent[] = [];
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id = '';
      let type = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') id = value;
        else if (field === 'event') type = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) events.push({ id, type, data: data.join('\n') });
    }
    return events;
  }
}

/** Orders log entry ids (`<ms>-<seq>`). */
export function compareEntryIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}

export interface Follow {
  stop(): void;
}

/**
 * Streams `sweepId`'s events after `after` to `onEvent`, reconnecting (1 s, then up to 5 s apart)
 * from the last id received; `onConnection` says whether the stream is up.
 */
export function followSweep(
  sweepId: string,
  after: string,
  onEvent: (event: StreamEvent) => void,
  onConnection: (up: boolean) => void,
): Follow {
  let last = after;
  let stopped = false;
  let controller = new AbortController();
  let wait = 1000;

  async function connectOnce(): Promise<void> {
    controller = new AbortController();
    const res = await fetch(`/v1/sweeps/${encodeURIComponent(sweepId)}/stream?after=${last}`, {
      headers: { ...authHeaders(), 'last-event-id': last },
      signal: controller.signal,
    });
    if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
    onConnection(true);
    wait = 1000;
    const parser = new SseParser();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const event of parser.push(value)) {
        if (event.id) last = event.id;
        onEvent(event);
      }
    }
  }

  void (async () => {
    while (!stopped) {
      try {
        await connectOnce();
      } catch {
        // Down (API restarting, network): try again from the last event received.
      }
      if (stopped) return;
      onConnection(false);
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(5000, wait * 2);
    }
  })();
  return {
    stop() {
      stopped = true;
      controller.abort();
    },
  };
}
