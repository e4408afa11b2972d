/**
 * W&B reads sweep files with PyYAML, which speaks YAML 1.1: there an unquoted `yes`, `no`, `on`
 * or `off` is a boolean. YAML 1.2 (what Rung's parser speaks) reads them as strings. A sweep file
 * must mean what it means to W&B, so such scalars become booleans — with a warning each, since the
 * writer may not have known.
 */
import { type Document, isMap, isPair, isScalar, isSeq, Scalar, type Node as YamlNode } from 'yaml';
import type { SpecWarning } from '../sweep.js';

// PyYAML's own list (its bool resolver), which is narrower than YAML 1.1's `y`/`n`.
const YAML11_TRUE = /^(?:yes|Yes|YES|on|On|ON)$/;
const YAML11_FALSE = /^(?:no|No|NO|off|Off|OFF)$/;

/** Turns such scalars of `doc` into booleans, in place; returns a warning for each. */
export function readYaml11Booleans(doc: Document): SpecWarning[] {
  const warnings: SpecWarning[] = [];
  const walk = (node: YamlNode | null | undefined, path: string[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        walk(pair.value as YamlNode, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item as YamlNode, [...path, String(i)]);
      });
    } else if (isScalar(node) && node.type === Scalar.PLAIN && typeof node.value === 'string') {
      const text = node.value;
      const bool = YAML11_TRUE.test(text) ? true : YAML11_FALSE.test(text) ? false : undefined;
      if (bool === undefined) return;
      node.value = bool;
      warnings.push({
        path: path.map((p) => (p.includes('.') ? JSON.stringify(p) : p)).join('.') || '(document)',
        message: `'${text}' read as ${bool}, as W&B reads YAML (1.1); quote it to keep the string`,
      });
    }
  };
  walk(doc.contents as YamlNode, []);
  return warnings;
}
