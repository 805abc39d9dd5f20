/**
 * The few console API calls the demo needs to set itself up as a tenant would: sign up or log in,
 * create an app, and read an app's secret again. Plain fetch and the Parley envelope.
 */

export class ConsoleApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ConsoleApiError';
  }
}

interface Envelope<T> {
  status: number;
  data?: T;
  code?: string;
  message?: string;
}

export class ConsoleClient {
  constructor(private readonly baseUrl: string) {}

  async signup(email: string, password: string): Promise<string> {
    return (await this.#post<{ token: string }>('/console/signup', { email, password })).token;
  }

  async login(email: string, password: string): Promise<string> {
    return (await this.#post<{ token: string }>('/console/login', { email, password })).token;
  }

  createApp(token: string, appName: string, description: string): Promise<{ appId: string; appSecret: string }> {
    return this.#post('/app/create', { appName, description }, token);
  }

  /** `POST /console/apps/:appId/secret`: the app's current secret, for the account's password. */
  async revealSecret(token: string, appId: string, password: string): Promise<string> {
    return (await this.#post<{ appSecret: string }>(`/console/apps/${encodeURIComponent(appId)}/secret`, { password }, token)).appSecret;
  }

  async #post<T>(path: string, body: unknown, token?: string): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let envelope: Envelope<T>;
    try {
      envelope = JSON.parse(text) as Envelope<T>;
    } catch {
      throw new ConsoleApiError('BAD_RESPONSE', `${path}: HTTP ${response.status}, not a Parley answer`, response.status);
    }
    if (envelope.status !== 1 || envelope.data === undefined) {
      throw new ConsoleApiError(envelope.code ?? 'BAD_RESPONSE', `${path}: ${envelope.message ?? `HTTP ${response.status}`}`, response.status);
    }
    return envelope.data;
  }
}
