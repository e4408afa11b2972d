/**
 * The shipped alert rules pass `promtool check rules`, the Grafana board's queries are valid
 * PromQL and docker-compose provisions the board, and a real Prometheus (Debian's package)
 * scrapes a running cluster — the scheduler's /metrics and a worker's — with the rules loaded.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@rung/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { startCluster, type TestCluster, waitFor } from '../support/cluster.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RULES = join(ROOT, 'ops/prometheus/alerts.yml');

describe('the alert rules', () => {
  it('pass promtool check rules, which refuses a broken rule', () => {
    const ok = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/SUCCESS: 6 rules found/);
    const broken = join(mkdtempSync(join(tmpdir(), 'rung-rules-')), 'alerts.yml');
    writeFileSync(
      broken,
      readFileSync(RULES, 'utf8').replace('max(rung_redis_up) == 0', 'max(rung_redis_up) =='),
    );
    expect(spawnSync('promtool', ['check', 'rules', broken]).status).not.toBe(0);
  });
});

describe('the Grafana board', () => {
  it('queries in valid PromQL, and docker-compose provisions it with Prometheus', () => {
    const board = JSON.parse(
      readFileSync(join(ROOT, 'ops/grafana/dashboards/rung.json'), 'utf8'),
    ) as {
      panels: { title: string; targets: { expr: string; datasource: { uid: string } }[] }[];
    };
    const exprs = board.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(15);
    // promtool checks PromQL in rule files: each query becomes a recording rule.
    const rules = join(mkdtempSync(join(tmpdir(), 'rung-board-')), 'board.yml');
    writeFileSync(
      rules,
      `groups:\n  - name: board\n    rules:\n${exprs.map((e, i) => `      - record: rung_board_query_${i}\n        expr: ${JSON.stringify(e)}\n`).join('')}`,
    );
    const checked = spawnSync('promtool', ['check', 'rules', rules], { encoding: 'utf8' });
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);

    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { volumes?: string[] }>;
    };
    const mounts = (service: string) =>
      (compose.services[service]?.volumes ?? [])
        .filter((v) => v.startsWith('./'))
        .map((v) => v.split(':') as [string, string]);
    for (const service of ['prometheus', 'grafana']) {
      expect(mounts(service).length, service).toBeGreaterThan(0);
      for (const [from] of mounts(service)) expect(existsSync(join(ROOT, from)), from).toBe(true);
    }
    const provider = parse(
      readFileSync(join(ROOT, 'ops/grafana/provisioning/dashboards/rung.yml'), 'utf8'),
    ) as { providers: { options: { path: string } }[] };
    expect(mounts('grafana').map(([, to]) => to)).toContain(provider.providers[0]!.options.path);
    const source = parse(
      readFileSync(join(ROOT, 'ops/grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as { datasources: { uid: string }[] };
    const uids = new Set(board.panels.flatMap((p) => p.targets.map((t) => t.datasource.uid)));
    expect([...uids]).toEqual([source.datasources[0]!.uid]);
  });
});

describe('a real Prometheus scraping a cluster', () => {
  let cluster: TestCluster;
  let prometheus: ChildProcess;
  let promUrl: string;
  let workerPort: number;

  beforeAll(async () => {
    workerPort = await freePort();
    cluster = await startCluster(inject('redisUrl'), {
      workers: 1,
      env: { RUNG_WORKER_PORT: String(workerPort) },
    });
    const dir = mkdtempSync(join(tmpdir(), 'rung-prometheus-'));
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ['${RULES}']`,
        'scrape_configs:',
        '  - job_name: rung-scheduler',
        `    static_configs: [{ targets: ['${new URL(cluster.api).host}'] }]`,
        '  - job_name: rung-worker',
        `    static_configs: [{ targets: ['127.0.0.1:${workerPort}'] }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
  });

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    await cluster?.stop();
  });

  const query = async (expr: string) => {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (
      (await res.json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      }
    ).data.result;
  };

  it('scrapes the scheduler and the worker, with the rules loaded', async () => {
    const sweep = await cluster.submit(`
method: random
trainer: { name: sleep, options: { steps: 3, seconds_per_step: 0.05 } }
metric: { name: val_loss, goal: minimize }
parameters:
  x: { min: 0, max: 1 }
run_cap: 3
`);
    await waitFor<{ state: string }>(
      `${cluster.api}/v1/sweeps/${sweep.id}`,
      (s) => s.state === 'completed',
      60_000,
      cluster.logs,
    );
    await waitFor<{ data: { activeTargets: { health: string }[] } }>(
      `${promUrl}/api/v1/targets`,
      (b) =>
        b.data?.activeTargets?.length === 2 && b.data.activeTargets.every((t) => t.health === 'up'),
      60_000,
    );
    // What the scheduler and the worker say, as Prometheus stored it.
    let trials: Awaited<ReturnType<typeof query>> = [];
    for (let i = 0; i < 100 && trials.length === 0; i++) {
      trials = await query('sum(rung_worker_trials_total{result="completed"}) >= 3');
      if (trials.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(trials).toHaveLength(1);
    expect(await query('rung_cluster_workers')).toEqual([
      expect.objectContaining({ value: [expect.any(Number), '1'] }),
    ]);
    expect(await query('rung_redis_up')).toEqual([
      expect.objectContaining({ value: [expect.any(Number), '1'] }),
    ]);
    expect((await query('rung_sweeps{state="completed"}'))[0]?.value[1]).not.toBe('0');
    expect((await query('rung_worker_report_seconds_count'))[0]?.value[1]).not.toBe('0');
    const rules = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; rules: { name: string; health: string }[] }[] };
    };
    const group = rules.data.groups.find((g) => g.name === 'rung');
    expect(group?.rules.map((r) => r.name)).toContain('RungWorkersGone');
    expect(group?.rules.every((r) => r.health !== 'err')).toBe(true);
  });
});
