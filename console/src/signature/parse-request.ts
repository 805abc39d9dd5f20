/**
 * Turns what a tenant pastes into the debugger into request parameters, in the order given (the
 * order matters for diagnosing "not sorted"). Pure: no DOM, so the tests run it in Node.
 */

export type Param = readonly [key: string, value: unknown];

export interface ParsedRequest {
  params: Param[];
  /** Keys given more than once; the last value counts, as most servers read them. */
  duplicates: string[];
}

export type ParseResult = { ok: true; request: ParsedRequest } | { ok: false; error: string };

function finish(params: Param[]): ParseResult {
  if (params.length === 0) return { ok: false, error: 'There are no parameters to sign: paste a request first.' };
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const [key] of params) {
    if (seen.has(key)) duplicates.add(key);
    seen.add(key);
  }
  // Keep each key once, at its first position, with its last value.
  const last = new Map<string, unknown>();
  for (const [key, value] of params) last.set(key, value);
  return { ok: true, request: { params: [...last.entries()], duplicates: [...duplicates] } };
}

/**
 * A query string or form body as sent (URL-encoded, so `+` is a space): `a=1&b=2`. A whole URL
 * is accepted too (everything before `?` and after `#` is ignored), and so are line breaks
 * between fields, as people paste them from logs.
 */
export function parseQueryString(text: string): ParseResult {
  let query = text.trim();
  const question = query.indexOf('?');
  if (question !== -1) query = query.slice(question + 1);
  const hash = query.indexOf('#');
  if (hash !== -1) query = query.slice(0, hash);
  query = query.replace(/\r?\n/g, '&');
  try {
    return finish([...new URLSearchParams(query).entries()].filter(([key]) => key !== ''));
  } catch {
    return { ok: false, error: 'This is not a query string: write fields as key=value joined by &.' };
  }
}

/** A JSON body: one object; nested arrays and objects are kept, to be signed as canonical JSON. */
export function parseJsonBody(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `This is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'A JSON body must be an object, like {"userId":"u1"}.' };
  }
  return finish(Object.entries(value));
}

export interface Row {
  key: string;
  value: string;
}

/** Key/value rows typed one by one; fully empty rows are ignored. Values are text, as in a form. */
export function parseRows(rows: readonly Row[]): ParseResult {
  const params: Param[] = [];
  for (const [index, row] of rows.entries()) {
    const key = row.key.trim();
    if (key === '' && row.value === '') continue;
    if (key === '') return { ok: false, error: `Row ${index + 1} has a value but no key.` };
    params.push([key, row.value]);
  }
  return finish(params);
}
