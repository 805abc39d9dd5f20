import type { ConsoleLoginResult } from '@parley/sdk/protocol';
import { ErrorCode } from '@parley/sdk/protocol';
import { DuplicateKeyError, type Store } from '../../store/ports.js';
import type { Clock } from '../../clock.js';
import { AppError, conflict } from '../errors.js';
import { hashBearerToken, newBearerToken, newObjectId } from '../ids.js';
import type { WorkQueue } from '../limits/hash-queue.js';
import type { RateLimits } from '../limits/rate-limits.js';
import { hashPassword, verifyPassword } from './password.js';

export interface TenantServiceOptions {
  /** scrypt cost N for new password hashes. */
  passwordCost: number;
  /** Lifetime of a console token, in seconds. */
  consoleTokenTtlSeconds: number;
}

/**
 * Tenant accounts of the console: sign up, log in and out, change the password, and who a
 * console token belongs to.
 *
 * A password hash costs a core and 128 MiB for a fraction of a second, and sign-up and login are
 * open to anyone, so every path that hashes is rate-limited (per IP and per email) and does the
 * cheap checks first, and every hash runs through one bounded queue.
 */
export class TenantService {
  /** Verified against when the email is unknown, so a wrong email costs as long as a wrong password. */
  #decoyHash: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly limits: RateLimits,
    private readonly hashing: WorkQueue,
    private readonly options: TenantServiceOptions,
  ) {}

  /**
   * Creates an account and logs it in. A taken email is refused with `CONFLICT` before any
   * hashing: without email verification there is no other way to tell a returning owner to log
   * in instead, and the per-IP and per-email limits bound how fast anyone can probe addresses.
   */
  async signup(emailInput: string, password: string, ip: string): Promise<ConsoleLoginResult> {
    const email = normaliseEmail(emailInput);
    await this.limits.consoleAttempt(ip, email);
    if (await this.store.tenants.getByEmail(email)) throw emailTaken(email);
    const passwordHash = await this.hashing.run(() => hashPassword(password, this.options.passwordCost));
    const tenantId = newObjectId();
    try {
      await this.store.tenants.insert({ tenantId, email, passwordHash, createdAt: this.clock.now() });
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw emailTaken(email);
      throw error;
    }
    return this.#issueToken(tenantId);
  }

  /** Unknown email and wrong password get the same answer after the same work. */
  async login(emailInput: string, password: string, ip: string): Promise<ConsoleLoginResult> {
    const email = normaliseEmail(emailInput);
    await this.limits.consoleAttempt(ip, email);
    const tenant = await this.store.tenants.getByEmail(email);
    const matches = await this.hashing.run(async () => verifyPassword(password, tenant?.passwordHash ?? (await this.#decoy())));
    if (!tenant || !matches) throw wrongCredentials();
    return this.#issueToken(tenant.tenantId);
  }

  /** Revokes the console token the request came with. */
  async logout(token: string): Promise<void> {
    await this.store.consoleTokens.delete(hashBearerToken(token));
  }

  /**
   * Replaces the password after checking the current one, revokes every console token of the
   * account (other browsers, a leaked token) and returns a fresh one for the caller.
   */
  async changePassword(tenantId: string, currentPassword: string, newPassword: string, ip: string): Promise<ConsoleLoginResult> {
    const tenant = await this.store.tenants.get(tenantId);
    if (!tenant) throw new AppError(ErrorCode.TOKEN_INVALID, 'console token is invalid or expired; log in again');
    await this.limits.consoleAttempt(ip, tenant.email);
    const passwordHash = await this.hashing.run(async () =>
      (await verifyPassword(currentPassword, tenant.passwordHash)) ? hashPassword(newPassword, this.options.passwordCost) : null,
    );
    if (passwordHash === null) throw wrongCredentials();
    await this.store.tenants.setPasswordHash(tenantId, passwordHash);
    await this.store.consoleTokens.deleteAllForTenant(tenantId);
    return this.#issueToken(tenantId);
  }

  /**
   * Checks the signed-in tenant's password again before something sensitive (showing an app's
   * secret), with the same limits and queue as a login.
   *
   * @throws AppError `CREDENTIALS_INVALID` when it is wrong.
   */
  async confirmPassword(tenantId: string, password: string, ip: string): Promise<void> {
    const tenant = await this.store.tenants.get(tenantId);
    if (!tenant) throw new AppError(ErrorCode.TOKEN_INVALID, 'console token is invalid or expired; log in again');
    await this.limits.consoleAttempt(ip, tenant.email);
    if (!(await this.hashing.run(() => verifyPassword(password, tenant.passwordHash)))) throw wrongCredentials();
  }

  /** The tenant a console bearer token belongs to. */
  async authenticate(token: string): Promise<string> {
    const record = await this.store.consoleTokens.findByHash(hashBearerToken(token));
    if (!record || record.expiresAt <= this.clock.now()) {
      throw new AppError(ErrorCode.TOKEN_INVALID, 'console token is invalid, expired or logged out; log in again');
    }
    return record.tenantId;
  }

  async #issueToken(tenantId: string): Promise<ConsoleLoginResult> {
    const token = newBearerToken();
    const createdAt = this.clock.now();
    const expiresAt = createdAt + this.options.consoleTokenTtlSeconds * 1000;
    await this.store.consoleTokens.insert({ tokenHash: hashBearerToken(token), tenantId, createdAt, expiresAt });
    return { token, expiresAt };
  }

  #decoy(): Promise<string> {
    this.#decoyHash ??= hashPassword('decoy password', this.options.passwordCost);
    return this.#decoyHash;
  }
}

function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function emailTaken(email: string): AppError {
  return conflict(`email ${email} is already registered; log in instead`);
}

function wrongCredentials(): AppError {
  return new AppError(ErrorCode.CREDENTIALS_INVALID, 'email or password is wrong');
}
