/** Reading a sweep file for `rung submit` and `rung run`. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { CliError } from './errors.js';

/** A sweep file's text, sent to the API as is, and how to label it. */
export interface SweepFile {
  text: string;
  format: 'yaml' | 'json';
}

/**
 * Reads `file`. `.json` is JSON, `.yaml`/`.yml` YAML; any other name is JSON when it starts with
 * `{` (YAML is a superset of JSON, so the API would take it either way).
 * @throws {@link CliError} when the file cannot be read.
 */
export function readSweepFile(file: string): SweepFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : (err as Error).message;
    throw new CliError(`cannot read sweep file ${file}: ${why}`);
  }
  if (text.trim() === '') throw new CliError(`sweep file ${file} is empty`);
  const ext = extname(file).toLowerCase();
  const format =
    ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : sniff(text);
  return { text, format };
}

function sniff(text: string): 'yaml' | 'json' {
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}
