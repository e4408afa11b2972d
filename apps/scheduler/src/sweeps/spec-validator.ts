/**
 * Where sweep specs are validated: inline (tests), or in a worker thread (the server), so that a
 * 1 MB spec — over a second of parsing — never holds up `/healthz` or any other request.
 */
import type { ClusterLimits, SpecFormat } from '@rung/shared';
import { ThreadRpc } from '../threads/thread-rpc.js';
import { type ValidatedSweep, validateSweep } from './validate-sweep.js';

export interface SpecValidator {
  validate(
    text: string,
    format: SpecFormat | undefined,
    limits: ClusterLimits,
  ): Promise<ValidatedSweep>;
  close(): Promise<void>;
}

export class InlineSpecValidator implements SpecValidator {
  async validate(
    text: string,
    format: SpecFormat | undefined,
    limits: ClusterLimits,
  ): Promise<ValidatedSweep> {
    return validateSweep(text, format, limits);
  }

  async close(): Promise<void> {}
}

/** What the validation thread is asked. */
export interface ValidateRequest {
  text: string;
  format: SpecFormat | undefined;
  limits: ClusterLimits;
}

export class ThreadSpecValidator implements SpecValidator {
  private readonly rpc = new ThreadRpc<ValidateRequest, ValidatedSweep>(
    new URL('./spec-thread.js', import.meta.url),
  );

  validate(
    text: string,
    format: SpecFormat | undefined,
    limits: ClusterLimits,
  ): Promise<ValidatedSweep> {
    return this.rpc.call({ text, format, limits });
  }

  close(): Promise<void> {
    return this.rpc.close();
  }
}
