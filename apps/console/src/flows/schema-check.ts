/**
 * Checks a value against the flow spec's published JSON Schema (`GET /flows/schema`), live as the
 * operator types. It covers the keywords that schema uses; the server stays the judge on save (and
 * adds the cross-field rules, e.g. an initiator naming a known agent).
 */
export type Schema = Record<string, any>;
export interface SchemaIssue {
  path: string;
  message: string;
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export function checkSchema(schema: Schema, value: unknown, path = ''): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  const add = (message: string, p = path) => issues.push({ path: p, message });

  if (schema.anyOf || schema.oneOf) {
    const branches: Schema[] = schema.anyOf ?? schema.oneOf;
    const results = branches.map((b) => checkSchema(b, value, path));
    if (results.some((r) => r.length === 0)) return issues;
    // Report the branch that came closest (a discriminated union: the one whose `const` matched).
    const best = results.reduce((a, b) => (score(b, path) > score(a, path) ? b : a));
    return best;
  }
  if (schema.const !== undefined && value !== schema.const) add(`must be ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value))
    add(`must be one of ${schema.enum.map((e: unknown) => JSON.stringify(e)).join(', ')}`);
  if (schema.type) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    const ok = types.some(
      (t) =>
        t === actual ||
        (t === 'integer' && actual === 'number' && Number.isInteger(value)) ||
        (t === 'number' && actual === 'number'),
    );
    if (!ok) {
      add(`expected ${types.join(' or ')}, got ${actual}`);
      return issues;
    }
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      add(schema.minLength === 1 ? 'must not be empty' : `at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      add(`at most ${schema.maxLength} characters`);
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) add(`must match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) add(`must be ≥ ${schema.minimum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      add(`must be > ${schema.exclusiveMinimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) add(`must be ≤ ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      add(`needs at least ${schema.minItems} item(s)`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      add(`at most ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, n) => issues.push(...checkSchema(schema.items, item, at(n))));
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const props: Record<string, Schema> = schema.properties ?? {};
    for (const key of schema.required ?? []) if (!(key in obj)) add(`"${key}" is required`);
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) issues.push(...checkSchema(props[key], v, at(key)));
      else if (schema.additionalProperties === false) {
        const hint = closest(key, Object.keys(props));
        add(`unknown field "${key}"${hint ? ` — did you mean "${hint}"?` : ''}`, at(key));
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
        issues.push(...checkSchema(schema.additionalProperties, v, at(key)));
      if (schema.propertyNames) issues.push(...checkSchema(schema.propertyNames, key, at(key)));
    }
  }
  return issues;
}

/**
 * How close a union branch came: a wrong discriminator (`const`) or a wrong type at the union itself
 * rules the branch out; otherwise fewer issues is closer.
 */
function score(issues: SchemaIssue[], path: string): number {
  const wrongShape = issues.filter(
    (i) =>
      /^must be (?!one of|≥|>|≤)/.test(i.message) || (i.path === path && i.message.startsWith('expected ')),
  ).length;
  return -(wrongShape * 100 + issues.length);
}

function closest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
