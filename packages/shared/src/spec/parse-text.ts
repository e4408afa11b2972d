/**
 * Sweep files and request bodies as text: JSON or YAML (W&B sweep configs are usually YAML).
 * Syntax errors are `SpecError`s at path `(document)` that give the line and column.
 */
import { parseDocument, type Document as YamlDocument } from 'yaml';
import { SpecError, type SpecIssue } from '../errors.js';
import type { SpecWarning } from '../sweep.js';
import { markFloatBounds } from './float-bounds.js';
import { jsonErrorOffset } from './json-error-offset.js';
import { type ParsedSweep, parseSweepSpec } from './sweep-schema.js';
import { readYaml11Booleans } from './yaml11-booleans.js';

/** The text formats a sweep spec may come in. */
export type SpecFormat = 'json' | 'yaml';

const DOCUMENT = '(document)';

/**
 * Parses a sweep spec from JSON or YAML text, then validates it like `parseSweepSpec`.
 *
 * @param format `json` parses strict JSON; `yaml` or none parses YAML 1.2, which reads JSON too
 *   (so an unlabelled body of either kind works).
 * @throws SpecError for a syntax error (path `(document)`, with line and column) or a bad spec.
 */
export function parseSweepText(text: string, format?: SpecFormat): ParsedSweep {
  const document = format === 'json' ? readJson(text) : readYaml(text);
  const parsed = parseSweepSpec(document.value);
  return { ...parsed, warnings: [...document.warnings, ...parsed.warnings] };
}

interface Document {
  value: unknown;
  warnings: SpecWarning[];
}

function readJson(text: string): Document {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8 gives a position for some JSON errors and not others; find it ourselves.
    const offset = jsonErrorOffset(text);
    const why = error instanceof Error ? error.message : String(error);
    const where = offset === undefined ? '' : `${at(text, offset)}: `;
    throw new SpecError([{ path: DOCUMENT, message: `${where}invalid JSON (${why})` }]);
  }
  // JSON is YAML, whose syntax tree keeps how numbers were written (see float-bounds.ts).
  try {
    const doc = parseDocument(text);
    if (!doc.errors.length) markFloatBounds(doc, value);
  } catch {
    // The tree only refines the inference; valid JSON the YAML parser cannot take keeps W&B's
    // inference from the values alone.
  }
  return { value, warnings: [] };
}

function readYaml(text: string): Document {
  let doc: YamlDocument;
  let value: unknown;
  let booleans: SpecWarning[] = [];
  try {
    // `merge` reads `<<:` keys as YAML 1.1 did, as W&B (PyYAML) users expect.
    doc = parseDocument(text, { prettyErrors: true, merge: true });
    if (doc.errors.length) throw new SpecError(doc.errors.map(yamlIssue));
    booleans = readYaml11Booleans(doc);
    value = doc.toJS({ maxAliasCount: 100 });
    markFloatBounds(doc, value);
  } catch (error) {
    if (error instanceof SpecError) throw error;
    // The parser itself can throw, e.g. on nesting deep enough to exhaust the stack.
    const why = error instanceof Error ? error.message : String(error);
    throw new SpecError([{ path: DOCUMENT, message: `invalid YAML (${why})` }], { cause: error });
  }
  return { value, warnings: [...doc.warnings.map(yamlIssue), ...booleans] };
}

/** A YAML error or warning as `line L, column C: what`. */
function yamlIssue(error: {
  message: string;
  linePos?: [{ line: number; col: number }, ...unknown[]];
}): SpecIssue {
  // With prettyErrors the message ends with " at line L, column C:" and a source excerpt.
  const what = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const pos = error.linePos?.[0];
  return {
    path: DOCUMENT,
    message: pos ? `line ${pos.line}, column ${pos.col}: ${what}` : what,
  };
}

/** 1-based `line L, column C` of a character offset. */
function at(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
