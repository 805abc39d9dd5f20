import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnv, run, type Finished } from './processes.js';

/**
 * What a page shows a command printing:
 * - `glob`: literal text where each `…` stands for any text (the README's `# -> ` lines);
 * - `json`: one JSON answer a line, equal to the real one once the values that differ per run
 *   (ids, secrets, tokens, times, signatures) are reduced to their type;
 * - `text`: equal to the real lines once ids and UUIDs are masked.
 */
export interface Sample {
  kind: 'glob' | 'json' | 'text';
  lines: string[];
}

const MARKER = '@@@ sample';

/** Fields whose values differ from one run to the next. */
const VOLATILE = new Set(['token', 'expiresAt', 'appId', 'appSecret', 'app_id', 'time_stamp', 'nonce_str', 'sign', 'msgId', 'sid', 'date', 'timestamp', 'updatedAt']);

/** Ids (24 hex digits) and UUIDs, which differ from one run to the next. */
export const maskIds = (text: string) =>
  text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>').replace(/\b[0-9a-f]{24}\b/g, '<id>');

function maskJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskJson);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, VOLATILE.has(key) && field !== null ? `<${typeof field}>` : maskJson(field)]));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return `not JSON: ${text}`;
  }
}

/** Whether `printed` is what `sample` shows (`kind` says how to compare). */
export function sampleMatches(kind: Sample['kind'], sample: string, printed: string): boolean {
  if (kind === 'json') return JSON.stringify(maskJson(parseJson(sample))) === JSON.stringify(maskJson(parseJson(printed)));
  if (kind === 'text') return maskIds(sample) === maskIds(printed);
  const pattern = sample.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`).test(printed);
}

/**
 * A shell session pasted from a page: the commands as written, each sample of output marked at
 * the point it shows, and files the page says to save written where the session stands.
 */
export class PastedSession {
  readonly #lines: string[] = ['set -euo pipefail'];
  readonly samples: Sample[] = [];

  /** Commands as the page writes them; `# -> ` comment lines are samples of the output above them. */
  commands(text: string): void {
    let open: Sample | null = null;
    for (const line of text.split('\n')) {
      const shown = /^# -> (.*)$/.exec(line);
      if (!shown) {
        open = null;
        this.#lines.push(line);
      } else if (open) {
        open.lines.push(shown[1]!);
      } else {
        open = this.expect('glob', [shown[1]!]);
      }
    }
  }

  /** What the commands since the previous sample printed last. */
  expect(kind: Sample['kind'], lines: string[]): Sample {
    const sample: Sample = { kind, lines };
    this.samples.push(sample);
    this.#lines.push(`echo "${MARKER} ${this.samples.length - 1}"`);
    return sample;
  }

  /** A file the page says to save, written into the session's current folder. */
  save(file: string, text: string): void {
    if (text.split('\n').includes('PARLEY_PASTED_FILE')) throw new Error(`${file} contains the heredoc delimiter`);
    this.#lines.push(`cat > '${file}' <<'PARLEY_PASTED_FILE'`, text, 'PARLEY_PASTED_FILE');
  }

  /**
   * Runs the session with bash from `cwd`, `localhost:3000` pointing at `host`, in an
   * environment of `env` alone (plus PATH and HOME), and checks every sample. `scratch` holds
   * the script and is the session's TMPDIR, so that `mktemp -d` folders go away with it.
   */
  async run(options: { cwd: string; host: string; scratch: string; env?: Record<string, string>; timeoutMs: number }): Promise<Finished & { tail: string }> {
    const script = this.#lines.join('\n').replaceAll('localhost:3000', options.host);
    if (script === this.#lines.join('\n')) throw new Error('the pasted commands never name localhost:3000');
    mkdirSync(options.scratch, { recursive: true });
    const path = join(options.scratch, 'pasted.sh');
    writeFileSync(path, `${script}\n`);
    const result = await run('bash', [path], { cwd: options.cwd, env: baseEnv({ TMPDIR: options.scratch, ...options.env }), timeoutMs: options.timeoutMs });
    const report = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
    if (result.code !== 0) throw new Error(`the pasted commands failed (exit ${result.code})\n${report}`);

    const chunks = result.stdout.split(new RegExp(`^${MARKER} \\d+\\n`, 'm'));
    if (chunks.length !== this.samples.length + 1) {
      throw new Error(`found ${chunks.length - 1} of ${this.samples.length} sample markers on lines of their own: does a command's output lack its final newline?\n${report}`);
    }
    const wrong: string[] = [];
    this.samples.forEach((sample, index) => {
      const printed = chunks[index]!.trimEnd().split('\n').slice(-sample.lines.length);
      sample.lines.forEach((line, at) => {
        if (!sampleMatches(sample.kind, line, printed[at] ?? '')) wrong.push(`sample ${index}:\n  documented: ${line}\n  printed:    ${printed[at] ?? '(nothing)'}`);
      });
    });
    if (wrong.length > 0) throw new Error(`${wrong.join('\n')}\n${report}`);
    return { ...result, tail: chunks.at(-1)! };
  }
}
