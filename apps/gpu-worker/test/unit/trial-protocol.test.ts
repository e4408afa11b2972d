import { describe, expect, it } from 'vitest';
import {
  ProtocolError,
  parseChildMessage,
  parseParentMessage,
} from '../../src/trial-process/protocol.js';

describe('trial process protocol', () => {
  it('accepts well-formed child messages', () => {
    expect(parseChildMessage({ type: 'ready', backend: 'wasm' })).toEqual({
      type: 'ready',
      backend: 'wasm',
    });
    expect(parseChildMessage({ type: 'report', step: 3, metrics: { loss: 0.5 } })).toEqual({
      type: 'report',
      step: 3,
      metrics: { loss: 0.5 },
    });
    expect(parseChildMessage({ type: 'checkpoint', step: 2 })).toEqual({
      type: 'checkpoint',
      step: 2,
    });
    expect(parseChildMessage({ type: 'result', stopped: false })).toEqual({
      type: 'result',
      stopped: false,
    });
    expect(parseChildMessage({ type: 'error', message: 'boom', code: 'X' })).toEqual({
      type: 'error',
      message: 'boom',
      code: 'X',
    });
  });

  it.each([
    [null, /message must be an object/],
    [{ type: 'hello' }, /unknown message type "hello"/],
    [{ type: 'report', step: -1, metrics: {} }, /report\.step must be a non-negative integer/],
    [{ type: 'report', step: 1.5, metrics: {} }, /report\.step must be a non-negative integer/],
    [{ type: 'report', step: 1, metrics: { loss: Infinity } }, /loss must be a finite number/],
    [
      { type: 'report', step: 1, metrics: { acc: '0.9' } },
      /acc must be a finite number; got "0.9"/,
    ],
    [{ type: 'report', step: 1, metrics: [1] }, /report\.metrics must be an object/],
    [{ type: 'result', stopped: 'no' }, /result\.stopped must be a boolean/],
    [{ type: 'ready' }, /ready\.backend must be a non-empty string/],
    [{ type: 'checkpoint', step: 'last' }, /checkpoint\.step must be a non-negative integer/],
  ])('rejects the child message %j', (message, error) => {
    expect(() => parseChildMessage(message)).toThrow(ProtocolError);
    expect(() => parseChildMessage(message)).toThrow(error);
  });

  it('validates start messages, nested params included', () => {
    const start = {
      type: 'start',
      trialId: 't1',
      trainer: { name: 'mlp', options: { epochs: 3 } },
      params: { lr: 0.1, opt: { name: 'adam', beta: null } },
      seed: 9,
      checkpointDir: '/ckpt/sw/1',
    };
    expect(parseParentMessage(start)).toEqual(start);
    expect(parseParentMessage({ ...start, resumeStep: 4 })).toEqual({ ...start, resumeStep: 4 });
    expect(() => parseParentMessage({ ...start, resumeStep: -1 })).toThrow(
      /start\.resumeStep must be a non-negative integer/,
    );
    expect(() => parseParentMessage({ ...start, checkpointDir: undefined })).toThrow(
      /start\.checkpointDir must be a non-empty string/,
    );
    expect(parseParentMessage({ type: 'stop' })).toEqual({ type: 'stop' });
    expect(() => parseParentMessage({ ...start, seed: 1.5 })).toThrow(
      /start\.seed must be an integer/,
    );
    expect(() => parseParentMessage({ ...start, params: { a: { b: [1] } } })).toThrow(
      /start\.params\.a\.b must be an object/,
    );
    expect(() => parseParentMessage({ ...start, trainer: { name: '' } })).toThrow(
      /start\.trainer\.name must be a non-empty string/,
    );
  });
});
