/**
 * Spotify's `fields` filter, as the local API applies it: a comma-separated list of keys;
 * `a.b` selects `b` inside `a`; `a(b,c)` selects `b` and `c` inside `a`, and inside every
 * element when `a` is an array; `!a` drops `a` from a selection. Keys the object lacks are left
 * out, as Spotify does.
 */

/** A parsed selection: each key maps to its sub-selection, `true` for the whole value. */
export interface FieldSelection {
  include: Map<string, FieldSelection | true>;
  exclude: Set<string>;
}

/** Parses a `fields` value. @throws Error on unbalanced parentheses or an empty key. */
export function parseFields(text: string): FieldSelection {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`Invalid fields parameter at character ${at + 1}: ${what}`);
  };
  const readKey = (): string => {
    const match = /^[A-Za-z0-9_]+/.exec(text.slice(at));
    if (!match) fail("a field name was expected");
    at += match![0].length;
    return match![0];
  };
  const readList = (): FieldSelection => {
    const selection: FieldSelection = { include: new Map(), exclude: new Set() };
    for (;;) {
      if (text[at] === "!") {
        at += 1;
        selection.exclude.add(readKey());
      } else {
        const path = [readKey()];
        while (text[at] === ".") {
          at += 1;
          path.push(readKey());
        }
        let leaf: FieldSelection | true = true;
        if (text[at] === "(") {
          at += 1;
          leaf = readList();
          if (text[at] !== ")") fail("')' was expected");
          at += 1;
        }
        for (let i = path.length - 1; i > 0; i -= 1) {
          leaf = { include: new Map([[path[i]!, leaf]]), exclude: new Set() };
        }
        merge(selection, path[0]!, leaf);
      }
      if (text[at] !== ",") return selection;
      at += 1;
    }
  };
  const selection = readList();
  if (at !== text.length) fail("unexpected character");
  return selection;
}

function merge(into: FieldSelection, key: string, leaf: FieldSelection | true): void {
  const existing = into.include.get(key);
  if (existing === true || leaf === true || existing === undefined) {
    into.include.set(key, existing === true || leaf === true ? true : leaf);
    return;
  }
  for (const [child, sub] of leaf.include) merge(existing, child, sub);
  for (const child of leaf.exclude) existing.exclude.add(child);
}

/** `value` reduced to `selection` (arrays element by element; other values as they are). */
export function applyFields(value: unknown, selection: FieldSelection): unknown {
  if (Array.isArray(value)) return value.map((element) => applyFields(element, selection));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const keys = selection.include.size > 0 ? [...selection.include.keys()] : Object.keys(record);
  for (const key of keys) {
    if (selection.exclude.has(key) || !(key in record)) continue;
    const sub = selection.include.get(key) ?? true;
    out[key] = sub === true ? record[key] : applyFields(record[key], sub);
  }
  return out;
}
