/**
 * Every trainer this worker can run: the built-in ones and those its config declares. It says
 * what the worker announces (names, and the programs its command trainers run), and what a job's
 * trainer becomes in the trial process.
 */
import type { TrainerSpec } from '@rung/shared';
import type { TrainerInfo } from '@rung/store';
import type { ConfiguredTrainer } from '../config/worker-config.js';
import type { TrainerSource } from '../trial-process/protocol.js';
import { listTrainers } from './registry.js';

export class TrainerCatalog {
  private readonly configured: ReadonlyMap<string, ConfiguredTrainer>;

  constructor(configured: readonly ConfiguredTrainer[] = []) {
    this.configured = new Map(configured.map((t) => [t.name, t]));
  }

  /** What the worker's heartbeat announces, by name. */
  announce(): TrainerInfo[] {
    const infos: TrainerInfo[] = listTrainers().map((name) => ({ name }));
    for (const t of this.configured.values()) {
      const info: TrainerInfo = { name: t.name };
      if (t.kind === 'command') {
        if (t.program !== undefined) info.program = t.program;
        if (t.command !== undefined) info.command = t.command;
      }
      if (t.resources !== undefined) info.resources = t.resources;
      infos.push(info);
    }
    return infos.sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * What the trial process runs for a job's trainer. A name this worker does not know passes as a
   * name: the trial process then fails the trial with the trainers it does know.
   */
  sourceFor(trainer: TrainerSpec): TrainerSource {
    const configured = this.configured.get(trainer.name);
    const source: TrainerSource = { name: trainer.name, options: trainer.options };
    if (configured?.kind === 'command') source.command = configured.spec;
    if (configured?.kind === 'module') source.module = configured.module;
    return source;
  }
}
