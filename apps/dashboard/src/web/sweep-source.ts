/**
 * Where a sweep page gets its data: the live API, or the data a report carries (then nothing is
 * fetched, nothing streams, and no action is offered).
 */
import type { Attempt, SweepCost, SweepOverview, Trial } from '@rung/shared';
import { answer, api } from './api.js';

declare global {
  interface Window {
    /** The overview index.html asked for while app.js loaded (a sweep page opened directly). */
    RUNG_PRELOAD?: { id: string; response: Promise<Response> };
  }
}

export interface WorkerView {
  workerId: string;
  host: string;
  slots: number;
  busy: number;
  gpus: { index: number; name: string; memoryMiB: number; free: number }[];
  trainers: { name: string }[];
  at: number;
}

export interface SweepSource {
  readonly live: boolean;
  overview(): Promise<SweepOverview>;
  cost(): Promise<SweepCost | undefined>;
  /** One trial with its attempts; undefined in a report. */
  trial(number: number): Promise<(Trial & { attempts?: Attempt[] }) | undefined>;
  /** The last lines a trial's current attempt wrote. */
  logs(number: number): Promise<string[]>;
  workers(): Promise<WorkerView[] | undefined>;
}

/** The page's sweep, from the API. */
export function apiSource(sweepId: string): SweepSource {
  const base = `/v1/sweeps/${encodeURIComponent(sweepId)}`;
  return {
    live: true,
    overview: () => {
      const preload = window.RUNG_PRELOAD;
      window.RUNG_PRELOAD = undefined;
      return preload?.id === sweepId
        ? answer<SweepOverview>(preload.response)
        : api.get<SweepOverview>(`${base}/overview`);
    },
    cost: () => api.get<SweepCost>(`${base}/cost`),
    trial: (n) => api.get<Trial>(`${base}/trials/${n}`),
    logs: async (n) => {
      const page = await api.get<{ lines: { stream: string; text: string }[] }>(
        `${base}/trials/${n}/logs`,
      );
      return page.lines.slice(-60).map((l) => (l.stream === 'stderr' ? `! ${l.text}` : l.text));
    },
    workers: async () => (await api.get<{ workers: WorkerView[] }>('/v1/workers')).workers,
  };
}

/** What `rung report` inlined into its HTML file. */
export interface ReportData {
  overview: SweepOverview;
  cost?: SweepCost;
  writtenAt: number;
}

export function reportSource(data: ReportData): SweepSource {
  return {
    live: false,
    overview: async () => data.overview,
    cost: async () => data.cost,
    trial: async () => undefined,
    logs: async () => [],
    workers: async () => undefined,
  };
}
