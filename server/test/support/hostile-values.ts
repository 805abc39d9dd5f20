import fc from 'fast-check';

/**
 * Arbitraries for property tests that throw hostile input at a boundary: field names that are
 * also `Object.prototype` names, `__proto__`, bracket names and noise; values of every JSON type
 * with random (sometimes deep) nesting; a route's or request's example fields, some dropped,
 * some replaced, some added.
 */

/** Every name `Object.prototype` has, `__proto__` included: `toString`, `constructor`, `__defineGetter__`, ... */
export const PROTOTYPE_NAMES: readonly string[] = Object.getOwnPropertyNames(Object.prototype);

/** An object with own properties `entries`, in order (defineProperty: `__proto__` stays a key, as JSON.parse makes it). */
export function ownRecord(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  return record;
}

/** Names worth trying as keys: the boundary's own fields, prototype names, signature names, bracket forms, noise. */
export function keyArbitrary(own: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    ...(own.length > 0 ? [fc.constantFrom(...own)] : []),
    fc.constantFrom(...PROTOTYPE_NAMES),
    fc.constantFrom('__proto__', 'prototype', 'sign', 'app_id', 'nonce_str', 'a[]', 'a[0]', 'content[content]', '$gt', '', ' ', 'userId ', 'USERID'),
    fc.string({ maxLength: 10 }),
  );
}

/** Any JSON value (finite numbers only: JSON has no others), keys from `keys`, sometimes nested 20-60 levels deep. */
export function valueArbitrary(keys: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    fc.string({ maxLength: 16 }),
    fc.constantFrom(...PROTOTYPE_NAMES, '{"a":1}', '[1,2]', 'true', '1e400', '-0', 'null', '', '  '),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 3 }),
      fc.array(fc.tuple(keys, tie('value')), { maxLength: 3 }).map(ownRecord),
    ),
  }));
  const deep = fc.tuple(fc.integer({ min: 20, max: 60 }), fc.boolean(), leaf).map(([depth, asArray, inner]) => {
    let nested: unknown = inner;
    for (let i = 0; i < depth; i++) nested = asArray ? [nested] : { a: nested };
    return nested;
  });
  return fc.oneof({ weight: 6, arbitrary: value }, { weight: 1, arbitrary: deep });
}

/** `example`'s fields (when it is an object), some dropped, some replaced or added with hostile names and values. */
export function fieldsArbitrary(example: unknown): fc.Arbitrary<Record<string, unknown>> {
  const base = example !== null && typeof example === 'object' && !Array.isArray(example) ? (example as Record<string, unknown>) : {};
  const own = Object.keys(base);
  const keys = keyArbitrary(own);
  const values = valueArbitrary(keys);
  return fc
    .record({
      keep: fc.subarray(own),
      changed: fc.array(fc.tuple(keys, values), { maxLength: 5 }),
    })
    .map(({ keep, changed }) => ownRecord([...keep.map((key) => [key, base[key]] as const), ...changed]));
}
