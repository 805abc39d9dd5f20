import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where the README's commands run. */
export const root = fileURLToPath(new URL('../../..', import.meta.url));

/** A fenced code block of a Markdown page: its info string (`sh`, `js`, or empty) and its text. */
export interface FencedBlock {
  info: string;
  text: string;
  /** The paragraph just before the block, on one line, e.g. "Save this as `chat.mjs` (…):". */
  lead: string;
}

/** Reads a page of the repository, by path from the root. */
export function readPage(path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

/**
 * The fenced blocks of the section under `heading` (the heading's text without the `#`s), up to
 * the next heading of the same or a higher level. Lines inside blocks are never read as headings,
 * so a shell comment does not end a section.
 */
export function sectionBlocks(markdown: string, heading: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  let level = 0;
  let fence: { marker: string; info: string; lines: string[]; lead: string } | null = null;
  // The paragraph being read, and the last one finished, since the last block.
  let paragraph: string[] = [];
  let lastParagraph = '';
  for (const line of lines) {
    if (fence) {
      if (line.trim() === fence.marker) {
        if (level > 0) blocks.push({ info: fence.info, text: fence.lines.join('\n'), lead: fence.lead });
        fence = null;
        paragraph = [];
        lastParagraph = '';
      } else {
        fence.lines.push(line);
      }
      continue;
    }
    const open = /^\s*(`{3,})(.*)$/.exec(line);
    if (open) {
      fence = { marker: open[1]!, info: open[2]!.trim(), lines: [], lead: paragraph.length > 0 ? paragraph.join(' ') : lastParagraph };
      continue;
    }
    const title = /^(#{1,6})\s+(.*)$/.exec(line);
    if (title) {
      if (level > 0 && title[1]!.length <= level) break;
      if (level === 0 && title[2]!.trim() === heading) level = title[1]!.length;
    }
    if (line.trim() !== '') {
      paragraph.push(line.trim());
    } else if (paragraph.length > 0) {
      lastParagraph = paragraph.join(' ');
      paragraph = [];
    }
  }
  if (level === 0) throw new Error(`no section "${heading}"`);
  return blocks;
}

/** The one block of a section that `pick` selects; fails unless there is exactly one. */
export function oneBlock(markdown: string, heading: string, what: string, pick: (block: FencedBlock) => boolean): FencedBlock {
  const found = sectionBlocks(markdown, heading).filter(pick);
  if (found.length !== 1) throw new Error(`section "${heading}" has ${found.length} blocks that are ${what}, expected one`);
  return found[0]!;
}
