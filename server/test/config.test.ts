import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('starts from documented defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      store: { kind: 'sqlite', dataDir: './data', sync: 'normal' },
      redisUrl: null,
      metricsToken: null,
      trustProxy: false,
      tokenTtlSeconds: 604800,
      consoleTokenTtlSeconds: 86400,
      signatureWindowSeconds: 300,
      secretRotationGraceSeconds: 86400,
      maxMessageBytes: 65536,
      maxBodyBytes: 1048576,
      maxGroupMembers: 2000,
      passwordScryptCost: 131072,
      recallWindowSeconds: 120,
      adminRecallWindowSeconds: 7200,
      loginPolicy: 'multi-device',
      socketPingIntervalMs: 25000,
      socketPingTimeoutMs: 20000,
      socketSendBufferMaxBytes: 8388608,
      helperThreadNice: 10,
      files: { kind: 'local', dir: 'data/uploads' },
      publicUrl: null,
      // The console's build in this repository, wherever it was cloned.
      consoleDir: fileURLToPath(new URL('../../console/dist', import.meta.url)),
      uploadMaxBytes: 100 * 1024 * 1024,
      imageProcessingConcurrency: 2,
      presenceScope: 'contacts',
      messagePolicy: 'anyone',
      apiRequestsPerSecond: 500,
      userSendsPerSecond: 20,
      userSignalsPerSecond: 20,
      maxUsersPerApp: 1_000_000,
      maxGroupsPerApp: 100_000,
      maxAppsPerTenant: 20,
      signedBodyMaxBytes: 262144,
      passwordHashConcurrency: 2,
      passwordHashQueue: 16,
      consoleAuthPerIp: 30,
      consoleAuthPerEmail: 10,
      consoleAuthWindowSeconds: 600,
    });
  });

  it('chooses the store from STORE, or from MONGODB_URL, and refuses a contradiction', () => {
    expect(loadConfig({ STORE: 'memory' }).store).toEqual({ kind: 'memory' });
    expect(loadConfig({ DATA_DIR: '/var/lib/parley', SQLITE_SYNCHRONOUS: 'full' }).store).toEqual({ kind: 'sqlite', dataDir: '/var/lib/parley', sync: 'full' });
    expect(loadConfig({ MONGODB_URL: 'mongodb://127.0.0.1/parley' }).store).toEqual({ kind: 'mongodb', url: 'mongodb://127.0.0.1/parley' });
    expect(loadConfig({ STORE: 'mongodb', MONGODB_URL: 'mongodb://db/x' }).store).toEqual({ kind: 'mongodb', url: 'mongodb://db/x' });
    expect(() => loadConfig({ STORE: 'mongodb' })).toThrow('STORE=mongodb: needs MONGODB_URL');
    expect(() => loadConfig({ STORE: 'sqlite', MONGODB_URL: 'mongodb://db/x' })).toThrow('STORE=sqlite: MONGODB_URL is set too');
    expect(() => loadConfig({ STORE: 'postgres' })).toThrow(/STORE="postgres"/);
  });

  it('refuses a signed body limit that the largest message would not fit in', () => {
    expect(() => loadConfig({ SIGNED_BODY_MAX_BYTES: '65536' })).toThrow(
      'SIGNED_BODY_MAX_BYTES=65536: must be at least MAX_MESSAGE_BYTES + 4096 (69632), or the largest message could not be sent',
    );
  });

  it('reads set variables and treats empty ones as unset', () => {
    const config = loadConfig({ PORT: '8080', HOST: '127.0.0.1', TRUST_PROXY: 'true', LOG_LEVEL: '' });
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', trustProxy: true, logLevel: 'info' });
  });

  it('names every bad variable with its value and what is expected', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', PASSWORD_SCRYPT_COST: '3000', MAX_MESSAGE_BYTES: '10' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems).toContain('PORT="eighty": must be a whole number from 0 to 65535');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL="loud"'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('PASSWORD_SCRYPT_COST="3000": must be a power of two'))).toBeDefined();
    expect(problems).toContain('MAX_MESSAGE_BYTES="10": must be at least 1024');
  });

  it('refuses a send buffer limit smaller than a history page of the largest messages', () => {
    expect(loadConfig({ MAX_MESSAGE_BYTES: '16384', SOCKET_SEND_BUFFER_MAX_BYTES: '1638400' }).socketSendBufferMaxBytes).toBe(1638400);
    expect(() => loadConfig({ MAX_MESSAGE_BYTES: '131072' })).toThrow(
      'SOCKET_SEND_BUFFER_MAX_BYTES=8388608: must be at least 100 × MAX_MESSAGE_BYTES (13107200), or a page of the largest messages could not be read',
    );
  });
});
