import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/domain/tenants/password.js';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse', 1024);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsE', hash)).toBe(false);
  });

  it('salts: the same password hashes differently twice', async () => {
    expect(await hashPassword('same', 1024)).not.toBe(await hashPassword('same', 1024));
  });

  it('keeps verifying hashes made with another cost', async () => {
    const cheap = await hashPassword('pw', 1024);
    const dearer = await hashPassword('pw', 4096);
    expect(dearer.split('$')[1]).toBe('4096');
    expect(await verifyPassword('pw', cheap)).toBe(true);
    expect(await verifyPassword('pw', dearer)).toBe(true);
  });

  it('refuses a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword('pw', 'md5$abc')).toBe(false);
    expect(await verifyPassword('pw', '')).toBe(false);
  });
});
