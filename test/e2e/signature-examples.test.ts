import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The signing code the signature guide hands to backend developers in other languages must
 * reproduce the shared vectors, exactly as the server and the Node SDK do.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const vectors = 'test/vectors/signature-vectors.json';

describe('signature guide examples reproduce every vector', () => {
  it('Python (docs/examples/sign.py)', () => {
    expect(execFileSync('python3', ['docs/examples/sign.py', vectors], { cwd: root, encoding: 'utf8' })).toMatch(/^ok 8\b/);
  });

  it('Go (docs/examples/sign.go)', () => {
    expect(execFileSync('go', ['run', 'docs/examples/sign.go', vectors], { cwd: root, encoding: 'utf8' })).toMatch(/^ok 8\b/);
  }, 120_000);
});
