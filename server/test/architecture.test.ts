import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layering DESIGN.md describes, checked on the real import graph: the domain depends on
 * ports only, transports never reach into adapters, and no two modules import each other.
 */

const src = fileURLToPath(new URL('../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** file (relative to src/) -> what it imports: other files of src/ (relative) and packages (by name). */
function importGraph(): Map<string, { files: string[]; packages: string[] }> {
  const graph = new Map<string, { files: string[]; packages: string[] }>();
  for (const file of sourceFiles(src)) {
    const imports = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((i) => i.fileName);
    const files = imports.filter((name) => name.startsWith('.')).map((name) => relative(src, resolve(dirname(file), name)).replace(/\.js$/, '.ts'));
    const packages = imports.filter((name) => !name.startsWith('.') && !name.startsWith('node:') && !name.endsWith('.json'));
    graph.set(relative(src, file), { files, packages });
  }
  return graph;
}

const graph = importGraph();
const folderOf = (file: string) => file.split('/')[0]!;

/** Cycles between files, as lists of files (each cycle reported once). */
function fileCycles(): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file)?.files ?? []) {
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('server architecture', () => {
  it('has no import cycles between modules', () => {
    expect(fileCycles()).toEqual([]);
  });

  it('folders do not import each other both ways', () => {
    const edges = new Set<string>();
    for (const [file, { files }] of graph) {
      for (const target of files) if (folderOf(file) !== folderOf(target)) edges.add(`${folderOf(file)} -> ${folderOf(target)}`);
    }
    const mutual = [...edges].filter((edge) => {
      const [from, to] = edge.split(' -> ');
      return from! < to! && edges.has(`${to} -> ${from}`);
    });
    expect(mutual).toEqual([]);
  });

  it('the domain imports no framework or driver, and no adapter', () => {
    for (const [file, { files, packages }] of graph) {
      if (folderOf(file) !== 'domain') continue;
      expect(packages.filter((name) => name !== '@parley/sdk/protocol' && name !== '@parley/sdk/server'), file).toEqual([]);
      const adapters = files.filter((target) => /^(store|bus|files)\/(?!(ports|records)\.ts)/.test(target) || /^(http|realtime)\//.test(target));
      expect(adapters, file).toEqual([]);
    }
  });

  it('transports reach the store only through the domain', () => {
    for (const [file, { files }] of graph) {
      if (!['http', 'realtime'].includes(folderOf(file))) continue;
      expect(files.filter((target) => folderOf(target) === 'store' || folderOf(target) === 'bus'), file).toEqual([]);
    }
  });
});
