/**
 * W&B infers `int_uniform` when min and max are both integers *in Python*, so `{min: 0.0,
 * max: 1.0}` is a uniform over [0, 1]. JavaScript numbers forget how they were written (0.0 is
 * 0), so for sweep text we read the notation from the YAML syntax tree and make W&B's choice
 * explicit before validation.
 */
import { type Document, isMap, isScalar, type Node as YamlNode } from 'yaml';

type Data = Record<string, unknown>;

const isData = (value: unknown): value is Data =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Numbers written with a fraction or an exponent: floats in Python's JSON and YAML readers. */
const writtenAsFloat = (node: unknown): boolean =>
  isScalar(node) &&
  typeof node.value === 'number' &&
  typeof node.source === 'string' &&
  /[.eE]/.test(node.source);

/**
 * Adds `distribution: 'uniform'` to every parameter of `value` (the data read from `doc`) that
 * names no distribution and whose min or max is written as a float, as W&B would infer it.
 */
export function markFloatBounds(doc: Document, value: unknown): void {
  if (isMap(doc.contents) && isData(value)) {
    markParameters(doc.contents.get('parameters', true), value.parameters);
  }
}

function markParameters(node: unknown, parameters: unknown, depth = 0): void {
  // Aliases may make the data cyclic; the schema reports the depth, here we just stop.
  if (!isMap(node) || !isData(parameters) || depth > 32) return;
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const entryNode = pair.value as YamlNode | null;
    const entry = name === undefined ? undefined : parameters[name];
    if (!isMap(entryNode) || !isData(entry)) continue;
    if (Object.hasOwn(entry, 'parameters')) {
      markParameters(entryNode.get('parameters', true), entry.parameters, depth + 1);
    } else if (
      !['distribution', 'value', 'values'].some((key) => Object.hasOwn(entry, key)) &&
      (writtenAsFloat(entryNode.get('min', true)) || writtenAsFloat(entryNode.get('max', true)))
    ) {
      entry.distribution = 'uniform';
    }
  }
}
