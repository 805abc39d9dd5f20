/**
 * The URL of a real service a suite runs against (`MONGODB_URL`, `REDIS_URL`), or undefined to
 * skip it. CI sets `PARLEY_REQUIRE_SERVICES=1`: there a missing URL fails the run instead of
 * skipping the suites silently.
 */
export function serviceUrl(variable: 'MONGODB_URL' | 'REDIS_URL'): string | undefined {
  const url = process.env[variable];
  if (!url && process.env.PARLEY_REQUIRE_SERVICES === '1') {
    throw new Error(`PARLEY_REQUIRE_SERVICES=1 but ${variable} is not set: start the services (npm run services) and export it`);
  }
  return url || undefined;
}

/**
 * Whether the MongoDB-compatible server at `url` is FerretDB (its `buildInfo` says so), whose
 * conditional updates are not atomic (docs/guides/services.md): tests of concurrent
 * compare-and-set run on MongoDB only.
 */
export async function isFerretDb(url: string): Promise<boolean> {
  const { MongoClient } = await import('mongodb');
  const client = await new MongoClient(url).connect();
  try {
    return 'ferretdbVersion' in (await client.db('admin').command({ buildInfo: 1 }));
  } finally {
    await client.close();
  }
}
