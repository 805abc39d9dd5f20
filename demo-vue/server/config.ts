import { resolve } from 'node:path';

/** The demo backend's settings, read from the environment once at start. */
export interface DemoConfig {
  /** Where this backend reaches Parley (signed API and console API). */
  parleyUrl: string;
  /** Where browsers reach Parley (the socket and uploads); handed to the page by /demo-api/config. */
  parleyPublicUrl: string;
  port: number;
  host: string;
  /** The demo tenant's account and app (email, password, appId, appSecret), mode 0600. */
  stateFile: string;
}

export class ConfigError extends Error {}

function url(name: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name}: not a URL: ${value}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(`${name}: must be an http(s) URL: ${value}`);
  return value.replace(/\/+$/, '');
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) throw new ConfigError(`DEMO_PORT: must be a port number (0 picks a free one): ${value}`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const parleyUrl = url('PARLEY_URL', env['PARLEY_URL'] || 'http://127.0.0.1:3000');
  return {
    parleyUrl,
    parleyPublicUrl: env['PARLEY_PUBLIC_URL'] ? url('PARLEY_PUBLIC_URL', env['PARLEY_PUBLIC_URL']) : parleyUrl,
    port: port(env['DEMO_PORT'] ?? '5180'),
    host: env['DEMO_HOST'] || '127.0.0.1',
    stateFile: resolve(env['DEMO_STATE_FILE'] || './data/demo-app.json'),
  };
}
