/**
 * A small client of the Rung REST API (`/v1/sweeps…`, `/healthz`) over the global `fetch`.
 * API errors become {@link ApiError} with the server's message; a missing server becomes
 * {@link ApiUnreachableError}, whose message says how to start one.
 */
import type {
  Goal,
  Scope,
  SweepCost,
  SweepEvent,
  SweepOverview,
  SweepView,
  TokenRecord,
  Trial,
  TrialState,
} from '@rung/shared';

/** `GET /v1/sweeps/:id/trials/:n/logs`: a page of a trial's output. */
export interface TrialLogs {
  attempt: number;
  lines: { at: number; stream: string; text: string }[];
  next: number;
  dropped: number;
}

/** One row of `GET /v1/sweeps/:id/leaderboard`. */
export interface LeaderboardEntry {
  rank: number;
  trialId: string;
  number: number;
  value: number;
  params: Record<string, unknown>;
  state: TrialState;
}

/** `GET /v1/sweeps/:id/leaderboard`. */
export interface Leaderboard {
  metric: { name: string; goal: Goal };
  trials: LeaderboardEntry[];
}

/** One problem the API found in a request, e.g. `{ path: 'parameters.lr.min', message: … }`. */
export interface ApiIssue {
  path: string;
  message: string;
}

/** The API answered with an error status (`{ error: { code, message, issues? } }`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** The API's error code, e.g. `invalid_spec` (`http_<status>` when the body had none). */
    readonly code: string,
    message: string,
    readonly issues: readonly ApiIssue[] = [],
  ) {
    super(message);
  }
}

/** Nothing answered at the API's address (refused, unknown host, timed out). */
export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachableError';
  constructor(
    readonly baseUrl: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The API base URL: `--api` > `RUNG_API_URL` > `http://127.0.0.1:${RUNG_PORT ?? 8080}`,
 * without a trailing slash.
 */
export function resolveApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = flag || env.RUNG_API_URL || `http://127.0.0.1:${env.RUNG_PORT || 8080}`;
  return url.replace(/\/+$/, '');
}

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** Per-request timeout in milliseconds. @defaultValue 15000 */
  timeoutMs?: number;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
}

const DEFAULTS = { timeoutMs: 15_000 };

/**
 * The client a command talks with: the API of `--api` (see {@link resolveApiUrl}), with the token
 * in `RUNG_TOKEN` (or `RUNG_ADMIN_TOKEN`, the one a cluster was started with).
 */
export function apiClientFor(apiFlag: string | undefined, env: NodeJS.ProcessEnv): ApiClient {
  const token = env.RUNG_TOKEN || env.RUNG_ADMIN_TOKEN;
  return new ApiClient(resolveApiUrl(apiFlag, env), token ? { token } : {});
}

/** The Rung REST API as typed methods. */
export class ApiClient {
  private readonly opts: ApiClientOptions & typeof DEFAULTS;

  constructor(
    /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8080`. */
    readonly baseUrl: string,
    opts: ApiClientOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    if (!/^https?:\/\//.test(baseUrl)) {
      throw new Error(`API URL ${baseUrl}: must start with http:// or https://`);
    }
  }

  /** `POST /v1/sweeps` with the sweep file's text as is; returns the created sweep. */
  async submitSweep(text: string, format: 'yaml' | 'json'): Promise<SweepView> {
    const body = await this.request<{ sweep: SweepView }>('POST', '/v1/sweeps', {
      body: text,
      contentType: format === 'json' ? 'application/json' : 'application/yaml',
    });
    return body.sweep;
  }

  /** `GET /v1/sweeps`. */
  async listSweeps(signal?: AbortSignal): Promise<SweepView[]> {
    return (await this.request<{ sweeps: SweepView[] }>('GET', '/v1/sweeps', { signal })).sweeps;
  }

  /** `GET /v1/sweeps/:id`. */
  getSweep(id: string, signal?: AbortSignal): Promise<SweepView> {
    return this.request<SweepView>('GET', `/v1/sweeps/${encodeURIComponent(id)}`, { signal });
  }

  /** Every trial of a sweep: `GET /v1/sweeps/:id/trials`, page after page. */
  async listTrials(id: string, signal?: AbortSignal): Promise<Trial[]> {
    const trials: Trial[] = [];
    let after: number | undefined;
    for (;;) {
      const path = `/v1/sweeps/${encodeURIComponent(id)}/trials${after === undefined ? '' : `?after=${after}`}`;
      const page = await this.request<{ trials: Trial[]; next?: number }>('GET', path, { signal });
      trials.push(...page.trials);
      if (page.next === undefined) return trials;
      after = page.next;
    }
  }

  /** The queued, running and paused trials of a sweep, with their current reports. */
  async activeTrials(id: string, signal?: AbortSignal): Promise<Trial[]> {
    const path = `/v1/sweeps/${encodeURIComponent(id)}/trials?state=queued,running,paused`;
    return (await this.request<{ trials: Trial[] }>('GET', path, { signal })).trials;
  }

  /**
   * `GET /v1/sweeps/:id/events?after=`: the sweep's log after an entry ('0-0': from the start;
   * '$': nothing, and the last entry's id in `next`).
   */
  readEvents(
    id: string,
    after: string,
    signal?: AbortSignal,
  ): Promise<{ events: SweepEvent[]; next: string }> {
    const path = `/v1/sweeps/${encodeURIComponent(id)}/events?after=${encodeURIComponent(after)}`;
    return this.request<{ events: SweepEvent[]; next: string }>('GET', path, { signal });
  }

  /** `GET /v1/sweeps/:id/trials/:n` (with its attempts). */
  getTrial(id: string, number: number, signal?: AbortSignal): Promise<Trial> {
    return this.request<Trial>('GET', `/v1/sweeps/${encodeURIComponent(id)}/trials/${number}`, {
      signal,
    });
  }

  /** `GET /v1/sweeps/:id/trials/:n/logs?after=&attempt=`. */
  trialLogs(
    id: string,
    number: number,
    options: { after: number; attempt?: number },
    signal?: AbortSignal,
  ): Promise<TrialLogs> {
    const attempt = options.attempt === undefined ? '' : `&attempt=${options.attempt}`;
    const path = `/v1/sweeps/${encodeURIComponent(id)}/trials/${number}/logs?after=${options.after}${attempt}`;
    return this.request<TrialLogs>('GET', path, { signal });
  }

  /** `GET /v1/sweeps/:id/leaderboard?limit=N`. */
  leaderboard(id: string, limit: number, signal?: AbortSignal): Promise<Leaderboard> {
    const path = `/v1/sweeps/${encodeURIComponent(id)}/leaderboard?limit=${limit}`;
    return this.request<Leaderboard>('GET', path, { signal });
  }

  /** `POST /v1/sweeps/:id/cancel`. */
  cancelSweep(id: string): Promise<SweepView> {
    return this.request<SweepView>('POST', `/v1/sweeps/${encodeURIComponent(id)}/cancel`, {});
  }

  /** `POST /v1/sweeps/:id/pause`; `checkpoint` also stops running trials at their checkpoints. */
  pauseSweep(id: string, trials: 'finish' | 'checkpoint'): Promise<SweepView> {
    return this.request<SweepView>('POST', `/v1/sweeps/${encodeURIComponent(id)}/pause`, {
      body: JSON.stringify({ trials }),
      contentType: 'application/json',
    });
  }

  /** `POST /v1/sweeps/:id/resume`. */
  resumeSweep(id: string): Promise<SweepView> {
    return this.request<SweepView>('POST', `/v1/sweeps/${encodeURIComponent(id)}/resume`, {});
  }

  /** `PATCH /v1/sweeps/:id` with the changes (`{ parallelism, run_cap, max_duration, metric }`). */
  changeSweep(id: string, changes: Record<string, unknown>): Promise<SweepView> {
    return this.request<SweepView>('PATCH', `/v1/sweeps/${encodeURIComponent(id)}`, {
      body: JSON.stringify(changes),
      contentType: 'application/json',
    });
  }

  /** `GET /v1/sweeps/:id/cost` (prices per hour, when given, override the cluster's). */
  sweepCost(id: string, prices: { gpuPrice?: number; cpuPrice?: number }): Promise<SweepCost> {
    const query = new URLSearchParams();
    if (prices.gpuPrice !== undefined) query.set('gpu_price', String(prices.gpuPrice));
    if (prices.cpuPrice !== undefined) query.set('cpu_price', String(prices.cpuPrice));
    const q = query.size > 0 ? `?${query}` : '';
    return this.request<SweepCost>('GET', `/v1/sweeps/${encodeURIComponent(id)}/cost${q}`, {});
  }

  /** `GET /v1/sweeps/:id/overview`: the sweep at a glance, as the dashboard draws it. */
  sweepOverview(id: string): Promise<SweepOverview> {
    return this.request<SweepOverview>('GET', `/v1/sweeps/${encodeURIComponent(id)}/overview`, {});
  }

  /** `POST /v1/tokens`: a new token (its secret is in this answer only). */
  createToken(name: string, scope: Scope): Promise<TokenRecord & { token: string }> {
    return this.request('POST', '/v1/tokens', {
      body: JSON.stringify({ name, scope }),
      contentType: 'application/json',
    });
  }

  /** `GET /v1/tokens`. */
  async listTokens(): Promise<TokenRecord[]> {
    return (await this.request<{ tokens: TokenRecord[] }>('GET', '/v1/tokens', {})).tokens;
  }

  /** `DELETE /v1/tokens/:id`. */
  async revokeToken(id: string): Promise<void> {
    await this.request('DELETE', `/v1/tokens/${encodeURIComponent(id)}`, {});
  }

  /** True when `GET /healthz` answers 200; false when it answers anything else or nothing. */
  async healthy(signal?: AbortSignal): Promise<boolean> {
    try {
      const res = await fetch(`${this.baseUrl}/healthz`, { signal: this.signal(signal) });
      await res.body?.cancel();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
    path: string,
    init: { body?: string; contentType?: string; signal?: AbortSignal | undefined },
  ): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(init.contentType ? { 'content-type': init.contentType } : {}),
          ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
        },
        body: init.body,
        signal: this.signal(init.signal),
      });
    } catch (err) {
      // The caller's own abort is not the API's fault: let it through as is.
      if (init.signal?.aborted) throw err;
      throw unreachable(this.baseUrl, err);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!res.ok) throw toApiError(res.status, body, text);
    if (body === undefined) {
      throw new ApiError(res.status, 'bad_response', `${method} ${path}: the API sent no JSON`);
    }
    return body as T;
  }

  private signal(caller: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    return caller ? AbortSignal.any([caller, timeout]) : timeout;
  }
}

function toApiError(status: number, body: unknown, text: string): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } })
    ?.error;
  if (error && typeof error.message === 'string') {
    const issues = Array.isArray(error.issues)
      ? (error.issues as unknown[]).filter(
          (i): i is ApiIssue =>
            typeof (i as ApiIssue)?.path === 'string' &&
            typeof (i as ApiIssue)?.message === 'string',
        )
      : [];
    const code = typeof error.code === 'string' ? error.code : `http_${status}`;
    return new ApiError(status, code, error.message, issues);
  }
  // Not the API's error shape (a proxy's HTML page, Fastify's default 404): show a snippet.
  const snippet = text.trim().slice(0, 200);
  return new ApiError(status, `http_${status}`, `HTTP ${status}${snippet ? `: ${snippet}` : ''}`);
}

function unreachable(baseUrl: string, err: unknown): ApiUnreachableError {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ApiUnreachableError(
      baseUrl,
      `no Rung API at ${baseUrl}: start one with 'npx rung up' or set RUNG_API_URL`,
      { cause: err },
    );
  }
  if ((err as Error)?.name === 'TimeoutError') {
    return new ApiUnreachableError(baseUrl, `the Rung API at ${baseUrl} did not answer in time`, {
      cause: err,
    });
  }
  const detail = cause?.message ?? (err as Error)?.message ?? String(err);
  return new ApiUnreachableError(baseUrl, `cannot reach the Rung API at ${baseUrl}: ${detail}`, {
    cause: err,
  });
}
