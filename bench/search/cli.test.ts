import { describe, expect, it } from 'vitest';
import { invocationDir, userPath } from './cli.js';

describe('paths the user typed', () => {
  it('resolve against the folder npm was run from, not the package root', () => {
    const env = { INIT_CWD: '/home/ann/experiments' };
    expect(invocationDir(env)).toBe('/home/ann/experiments');
    expect(userPath('./obj.mjs', env)).toBe('/home/ann/experiments/obj.mjs');
    expect(userPath('/abs/out.json', env)).toBe('/abs/out.json');
  });

  it('fall back to the process folder outside npm', () => {
    expect(userPath('out.json', {})).toBe(`${process.cwd()}/out.json`);
  });
});
