// Generators for the write-route fuzz (issue 11, item 12): values that are almost what a route's own zod
// schema accepts (so requests get past validation and reach the queries), and junk (wrong types, huge and
// control-character strings, prototype keys, odd numbers, nested structures, impossible dates).
import fc from 'fast-check';
import type { z } from 'zod';

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

const ODD_STRINGS = [
  '', ' ', '　', '0', '-1', '1e5', '0x10', 'NaN', 'Infinity', '-Infinity', 'true', 'null', 'undefined', '[]', '{}',
  '9999-12-31', '0000-00-00', '2021-02-30', '2021-13-01', '1899-12-31', '2101-01-01', '2021-2-3', '2021-02-03T25:00:00Z',
  '\u0000', 'a\u0000b', '\u0007', '\u001b[31m', '\u007f', '\u202e反向', '\ud800', '\udfff', '\uffff', '𠀀𠀁',
  "'; DROP TABLE person; --", '%', '_', '\\', '%_%', '../../etc/passwd', '<script>alert(1)</script>',
  ...PROTOTYPE_KEYS,
];

const ODD_NUMBERS = [0, -0, -1, 0.5, -0.5, 1e-300, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, 1e21, -1e21, Number.MAX_VALUE, Number.MIN_VALUE];

/** A string of n characters (bodies over 1 MB must answer 413). */
const huge = fc.constantFrom(300, 5_000, 70_000, 1_100_000).chain((n) => fc.constantFrom('x', '中', '\u0000', '9').map((ch) => ch.repeat(n)));

/** Wrong or hostile values for any field. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<unknown>(...ODD_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom<unknown>(...ODD_NUMBERS, null, true, false) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...PROTOTYPE_KEYS), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom<unknown>(...ODD_STRINGS, ...ODD_NUMBERS), { maxLength: 5 }) },
);

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;
const checksOf = (d: Def) => ((d.checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? []).map((c) => c._zod.def);

function stringArb(d: Def): fc.Arbitrary<string> {
  const checks = checksOf(d);
  const min = Number(checks.find((c) => c.check === 'min_length')?.minimum ?? 0);
  const max = Number(checks.find((c) => c.check === 'max_length')?.maximum ?? 40);
  const pattern = checks.find((c) => c.check === 'string_format' && c.format === 'regex')?.pattern as RegExp | undefined;
  if (pattern && /\\d\{4\}-\\d\{2\}-\\d\{2\}/.test(pattern.source))
    return fc.date({ min: new Date('1940-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true }).map((x) => x.toISOString().slice(0, 10));
  if (pattern) return fc.stringMatching(pattern).filter((s) => s.length <= Math.max(max, 1) && s.length >= min);
  const text = fc.oneof(
    fc.constantFrom('测试', '柳河村', '张三', '说明文字', 'abc', '110101199003071234', '13800138000', 'Qingfeng@2021', ...PROTOTYPE_KEYS),
    fc.string({ minLength: min, maxLength: Math.min(max, 60) }),
  );
  return text.map((s) => (s.length < min ? s.padEnd(min, '测') : s.slice(0, max)));
}

function numberArb(d: Def): fc.Arbitrary<number | string> {
  const checks = checksOf(d);
  const int = checks.some((c) => c.format === 'safeint' || c.format === 'int32');
  const gt = checks.find((c) => c.check === 'greater_than');
  const lt = checks.find((c) => c.check === 'less_than');
  const lo = gt ? Number(gt.value) + (gt.inclusive ? 0 : int ? 1 : 0) : -5;
  const hi = lt ? Number(lt.value) - (lt.inclusive ? 0 : int ? 1 : 0) : 1_000;
  // Existing rows have small ids: keep most numbers small so requests reach real objects.
  const smallHi = Math.max(lo, Math.min(hi, lo + 40));
  const n = int ? fc.oneof({ weight: 5, arbitrary: fc.integer({ min: lo, max: smallHi }) }, { weight: 1, arbitrary: fc.integer({ min: lo, max: Math.min(hi, 2 ** 31 - 1) }) }) : fc.double({ min: lo, max: smallHi, noNaN: true });
  return d.coerce ? fc.oneof(n, n.map(String)) : n;
}

/** Values shaped like what the schema accepts (most pass it; prototype-key strings and edges included). */
export function nearValid(schema: unknown, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return junk;
  const d = defOf(schema);
  switch (d.type) {
    case 'string':
      return stringArb(d);
    case 'number':
      return numberArb(d);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(d.entries as Record<string, unknown>));
    case 'literal':
      return fc.constantFrom(...(d.values as unknown[]));
    case 'optional':
    case 'default':
    case 'prefault':
    case 'catch':
      return fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: nearValid(d.innerType, depth + 1) });
    case 'nullable':
      return fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: nearValid(d.innerType, depth + 1) });
    case 'readonly':
    case 'nonoptional':
      return nearValid(d.innerType, depth + 1);
    case 'pipe':
      // The input side (a transform's output is not what clients send); v() wraps schemas in a pipe too.
      return defOf(d.in).type === 'unknown' ? nearValid(d.out, depth + 1) : nearValid(d.in, depth + 1);
    case 'array': {
      const min = Number(checksOf(d).find((c) => c.check === 'min_length')?.minimum ?? 0);
      const max = Number(checksOf(d).find((c) => c.check === 'max_length')?.maximum ?? 4);
      return fc.array(nearValid(d.element, depth + 1), { minLength: min, maxLength: Math.min(Math.max(min, 4), max) });
    }
    case 'union':
      return fc.oneof(...(d.options as unknown[]).map((o) => nearValid(o, depth + 1)));
    case 'object': {
      const shape = d.shape as Record<string, unknown>;
      const keys = Object.keys(shape);
      if (keys.length === 0) return fc.constant({});
      return fc.tuple(...keys.map((k) => nearValid(shape[k], depth + 1))).map((vals) => {
        const o: Record<string, unknown> = {};
        keys.forEach((k, i) => {
          if (vals[i] !== undefined) o[k] = vals[i];
        });
        return o;
      });
    }
    case 'record':
      return fc.dictionary(fc.string({ maxLength: 10 }), nearValid(d.valueType, depth + 1), { maxKeys: 3 });
    default:
      return junk;
  }
}

/** Sets key on a plain object as an own property, even for "__proto__" (an assignment would set the prototype). */
function setOwn(o: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

export type BodyMutation = 'as-is' | 'junk-field' | 'drop-field' | 'extra-key' | 'whole' | 'raw';

/** A request body for a route whose JSON schema is `schema`: near-valid, then (usually) broken one way. */
export function badBody(schema: unknown | undefined): fc.Arbitrary<{ mutation: BodyMutation; text: string }> {
  const base = schema ? nearValid(schema) : fc.constant({});
  const raw = fc.constantFrom('{not json', '', '[', '{"a":', 'null', '[]', '"x"', '0', '{"a":1,"a":2}', '['.repeat(10_000), '{"__proto__":{"isAdmin":true}}', '\u0000');
  return fc.oneof(
    { weight: 2, arbitrary: base.map((b) => ({ mutation: 'as-is' as const, value: b })) },
    {
      weight: 4,
      arbitrary: fc.tuple(base, fc.nat(), junk).map(([b, i, j]) => {
        if (!b || typeof b !== 'object' || Array.isArray(b)) return { mutation: 'whole' as const, value: j };
        const o = { ...(b as Record<string, unknown>) };
        const keys = Object.keys(o);
        if (keys.length) setOwn(o, keys[i % keys.length]!, j);
        return { mutation: 'junk-field' as const, value: o };
      }),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(base, fc.nat()).map(([b, i]) => {
        if (!b || typeof b !== 'object' || Array.isArray(b)) return { mutation: 'drop-field' as const, value: b };
        const o = { ...(b as Record<string, unknown>) };
        const keys = Object.keys(o);
        if (keys.length) delete o[keys[i % keys.length]!];
        return { mutation: 'drop-field' as const, value: o };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(base, fc.constantFrom(...PROTOTYPE_KEYS, 'id', 'orgUnitId', 'role', 'createdAt', 'hash'), junk).map(([b, k, j]) => {
        const o: Record<string, unknown> = b && typeof b === 'object' && !Array.isArray(b) ? { ...(b as Record<string, unknown>) } : {};
        setOwn(o, k, j);
        return { mutation: 'extra-key' as const, value: o };
      }),
    },
    { weight: 1, arbitrary: junk.map((j) => ({ mutation: 'whole' as const, value: j })) },
    { weight: 1, arbitrary: raw.map((text) => ({ mutation: 'raw' as const, value: undefined, text })) },
  ).map((b) => ({ mutation: b.mutation, text: 'text' in b && typeof b.text === 'string' ? b.text : (JSON.stringify(b.value) ?? '') }));
}

/** A path parameter: mostly what the schema accepts (small ids reach real rows), sometimes junk. */
export function badParam(schema: unknown | undefined, name: string): fc.Arbitrary<string> {
  const shape = schema ? (defOf(schema).shape as Record<string, unknown> | undefined) : undefined;
  const inner = shape?.[name];
  const valid = inner ? nearValid(inner).map((x) => (x === undefined || x === null ? '1' : String(x))) : fc.integer({ min: 1, max: 40 }).map(String);
  const bad = fc.constantFrom('0', '-1', '1.5', '1e3', '0x1f', '2147483648', '99999999999999999999', 'NaN', 'null', ' 1', '%00', '%E4%B8%AD', '..', ...PROTOTYPE_KEYS);
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: bad });
}

/** Query parameters for a route with a query schema. */
export function badQuery(schema: unknown | undefined): fc.Arbitrary<Record<string, string>> {
  if (!schema) return fc.constant({});
  return fc.oneof(
    { weight: 3, arbitrary: nearValid(schema) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('org', 'id', ...PROTOTYPE_KEYS), fc.constantFrom(...ODD_STRINGS.filter((s) => s !== '\ud800' && s !== '\udfff'))) },
  ).map((q) => {
    const out: Record<string, string> = {};
    if (q && typeof q === 'object') for (const [k, x] of Object.entries(q)) if (x !== undefined) setOwn(out, k, Array.isArray(x) ? String(x[0]) : String(x));
    return out;
  });
}

/** The schema a validator middleware checks (what v() registered), for safeParse. */
export type ZodSchema = z.ZodType;
