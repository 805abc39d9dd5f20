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
