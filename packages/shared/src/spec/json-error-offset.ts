/**
 * Where a JSON text goes wrong. V8's `JSON.parse` errors give a position for some mistakes and
 * not for others (`Unexpected token '}', "{"a": }" is not valid JSON`), so this small scanner
 * finds it. It is iterative, so deeply nested input cannot exhaust the stack.
 */

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const WHITESPACE = ' \t\n\r';

/** Offset of the first syntax error in `text`, or undefined when it is valid JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  const open: string[] = [];
  let i = 0;
  let state: 'value' | 'key' | 'after' = 'value';
  const skip = () => {
    while (i < text.length && WHITESPACE.includes(text[i]!)) i++;
  };

  for (;;) {
    skip();
    const c = text[i];
    if (state === 'after') {
      const top = open[open.length - 1];
      if (top === undefined) return i < text.length ? i : undefined;
      if (c === ',') {
        i++;
        state = top === '{' ? 'key' : 'value';
      } else if ((top === '{' && c === '}') || (top === '[' && c === ']')) {
        i++;
        open.pop();
      } else {
        return i;
      }
    } else if (state === 'key') {
      if (c !== '"') return i;
      const end = stringEnd(text, i);
      if (end < 0) return -end - 1;
      i = end;
      skip();
      if (text[i] !== ':') return i;
      i++;
      state = 'value';
    } else if (c === '{' || c === '[') {
      i++;
      skip();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++;
        state = 'after';
      } else {
        open.push(c);
        state = c === '{' ? 'key' : 'value';
      }
    } else if (c === '"') {
      const end = stringEnd(text, i);
      if (end < 0) return -end - 1;
      i = end;
      state = 'after';
    } else {
      const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
      NUMBER.lastIndex = i;
      if (literal) i += literal.length;
      else if (NUMBER.test(text)) i = NUMBER.lastIndex;
      else return i;
      state = 'after';
    }
  }
}

/** Offset just past the string starting at `start`, or -(offset of the error) - 1. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return i + 1;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === 'u' && HEX4.test(text.slice(i + 2, i + 6))) i += 6;
      else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
      else return -i - 1;
    } else if (c < ' ') {
      return -i - 1;
    } else {
      i++;
    }
  }
  return -text.length - 1;
}
