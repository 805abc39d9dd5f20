import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What the demo backend remembers between runs: the demo tenant's console account and app. */
export interface DemoState {
  email: string;
  password: string;
  appId: string;
  appSecret: string;
}

function isState(value: unknown): value is DemoState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['email', 'password', 'appId', 'appSecret'].every((key) => typeof v[key] === 'string' && v[key] !== '');
}

/** The saved state, or null when there is none (or it is unreadable: the demo then starts afresh). */
export async function loadState(file: string): Promise<DemoState | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return isState(parsed) ? { email: parsed.email, password: parsed.password, appId: parsed.appId, appSecret: parsed.appSecret } : null;
  } catch {
    return null;
  }
}

/** Writes the state readable by its owner only, replacing the old file in one step. */
export async function saveState(file: string, state: DemoState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
}
