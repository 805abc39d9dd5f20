import type { ConsoleLoginResult } from '@parley/sdk/protocol';
import { ErrorCode } from '@parley/sdk/protocol';
import { DuplicateKeyError, type Store } from '../../store/ports.js';
import type { Clock } from '../../clock.js';
import { AppError, conflict } from '../errors.js';
import { hashBearerToken, newBearerToken, newObjectId } from '../ids.js';
import { hashPassword, verifyPassword } from './password.js';

export interface TenantServiceOptions {
  /** scrypt cost N for new password hashes. */
  passwordCost: number;
  /** Lifetime of a console token, in seconds. */
  consoleTokenTtlSeconds: number;
}

/** Tenant accounts of the console: sign up, log in, and who a console token belongs to. */
export class TenantService {
  /** Verified against when the email is unknown, so a wrong email costs as long as a wrong password. */
  #decoyHash: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: TenantServiceOptions,
  ) {}

  /** Creates an account and logs it in. */
  async signup(emailInput: string, password: string): Promise<ConsoleLoginResult> {
    const email = normaliseEmail(emailInput);
    const tenantId = newObjectId();
    const passwordHash = await hashPassword(password, this.options.passwordCost);
    try {
      await this.store.tenants.insert({ tenantId, email, passwordHash, createdAt: this.clock.now() });
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw conflict(`email ${email} is already registered`);
      throw error;
    }
    return this.#issueToken(tenantId);
  }

  async login(emailInput: string, password: string): Promise<ConsoleLoginResult> {
    const tenant = await this.store.tenants.getByEmail(normaliseEmail(emailInput));
    const matches = await verifyPassword(password, tenant?.passwordHash ?? (await this.#decoy()));
    if (!tenant || !matches) throw new AppError(ErrorCode.CREDENTIALS_INVALID, 'email or password is wrong');
    return this.#issueToken(tenant.tenantId);
  }

  /** The tenant a console bearer token belongs to. */
  async authenticate(token: string): Promise<string> {
    const record = await this.store.consoleTokens.findByHash(hashBearerToken(token));
    if (!record || record.expiresAt <= this.clock.now()) {
      throw new AppError(ErrorCode.TOKEN_INVALID, 'console token is invalid or expired; log in again');
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
