import { describe, expect, it } from 'vitest';
import { HTTP_STATUS_BY_CODE, RungError, SpecError } from '../src/errors.js';

describe('errors', () => {
  it('maps every code to its HTTP status', () => {
    expect(HTTP_STATUS_BY_CODE).toEqual({
      invalid_spec: 400,
      not_found: 404,
      conflict: 409,
      unknown_trainer: 400,
      invalid_request: 400,
      unauthorized: 401,
      forbidden: 403,
      too_large: 413,
      unsupported_media_type: 415,
      rate_limited: 429,
      internal: 500,
    });
  });

  it('keeps the code, details and cause of a RungError', () => {
    const cause = new Error('redis down');
    const error = new RungError('conflict', 'sweep already finished', {
      details: { id: 'sw-1' },
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.code, error.message]).toEqual([
      'RungError',
      'conflict',
      'sweep already finished',
    ]);
    expect(error.details).toEqual({ id: 'sw-1' });
    expect(error.cause).toBe(cause);
  });

  it('makes the first issue the message of a SpecError and keeps them all', () => {
    const issues = [
      { path: 'parameters.lr.min', message: 'must be < max' },
      { path: 'method', message: 'required' },
    ];
    const error = new SpecError(issues);
    expect(error).toBeInstanceOf(RungError);
    expect(error.code).toBe('invalid_spec');
    expect(error.message).toBe('parameters.lr.min: must be < max');
    expect(error.issues).toEqual(issues);
    expect(error.details).toEqual({ issues });
  });

  it('still has a message when no issue is given', () => {
    expect(new SpecError([]).message).toBe('invalid sweep spec');
  });
});
