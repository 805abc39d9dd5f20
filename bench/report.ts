/**
 * The text forms of `npm run bench` results: the table printed to stdout and the generated block
 * of docs/benchmarks.md. Both show the same figures, so the page can be checked against a run.
 */
import { groupThousands, runLabel } from './chart.js';
import type { BenchResults, Measurement, RateStep, SteppedRun } from './results.js';

const BEGIN_MARKER = '<!-- bench:begin -->';
const END_MARKER = '<!-- bench:end -->';
const SUSTAINED_MARK = '◀ sustained';

type Align = 'left' | 'right';

interface Table {
  header: string[];
  align: Align[];
  rows: string[][];
}

/** A fixed number of decimals with the integer part grouped like the whole numbers. */
function decimal(value: number, digits: number): string {
  const [whole = '0', fraction] = Math.abs(value).toFixed(digits).split('.');
  const sign = value < 0 && Number(value.toFixed(digits)) !== 0 ? '-' : '';
  return `${sign}${groupThousands(Number(whole))}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Infinity or NaN means a step delivered nothing to measure; a figure would mislead. */
function unmeasured(value: number): boolean {
  return !Number.isFinite(value);
}

function formatMs(value: number): string {
  if (unmeasured(value)) return 'n/a';
  return decimal(value, Math.abs(value) < 10 ? 2 : 1);
}

/** Rates, sizes and counts: whole numbers from 100 up, where a decimal is noise. */
function formatAmount(value: number): string {
  if (unmeasured(value)) return 'n/a';
  if (Math.abs(value) >= 100 || Number.isInteger(value)) return groupThousands(value);
  return decimal(value, 1);
}

function isLatencyMetric(metric: string): boolean {
  return /\bms\b/.test(metric);
}

function formatFigure(value: number, metric: string): string {
  return isLatencyMetric(metric) ? formatMs(value) : formatAmount(value);
}

function formatRatio(ratio: number | null): string {
  return ratio === null || unmeasured(ratio) ? '-' : `${ratio.toFixed(2)}×`;
}

/** Rounded down, so a share just under the 99.9% threshold never reads as meeting it. */
function formatShare(share: number): string {
  if (unmeasured(share)) return 'n/a';
  return `${(Math.floor(share * 10_000) / 100).toFixed(2)}%`;
}

function yesNo(flag: boolean): string {
  return flag ? 'yes' : 'no';
}

function measurementTable(measurements: readonly Measurement[]): Table {
  return {
    header: ['scenario', 'metric', 'backend', 'Parley', 'baseline', 'ratio'],
    align: ['left', 'left', 'left', 'right', 'right', 'right'],
    rows: measurements.map((m) => [
      m.scenario,
      m.metric,
      m.backend,
      formatFigure(m.parley, m.metric),
      m.baseline === null ? '-' : formatFigure(m.baseline, m.metric),
      formatRatio(m.ratio),
    ]),
  };
}

function isSustainedStep(run: SteppedRun, step: RateStep): boolean {
  return run.sustained > 0 && step.offered === run.sustained;
}

function stepTable(run: SteppedRun): Table {
  return {
    header: ['offered', 'delivered/s', 'delivered', 'p50 ms', 'p99 ms', 'max ms', ''],
    align: ['right', 'right', 'right', 'right', 'right', 'right', 'left'],
    rows: run.steps.map((step) => [
      formatAmount(step.offered),
      formatAmount(step.delivered),
      formatShare(step.deliveredShare),
      formatMs(step.p50),
      formatMs(step.p99),
      formatMs(step.max),
      isSustainedStep(run, step) ? SUSTAINED_MARK : '',
    ]),
  };
}

function sustainedSummary(run: SteppedRun): string {
  return run.sustained > 0 ? `sustained ${formatAmount(run.sustained)} messages/s` : 'no step sustained';
}

/** Notes would widen every row of the table for the few measurements that have one. */
function notes(measurements: readonly Measurement[]): string[] {
  return measurements.flatMap((m) => (m.note ? [`${m.scenario}, ${m.metric} (${m.backend}): ${m.note}`] : []));
}

function pad(cell: string, width: number, align: Align): string {
  // Spread counts code points, so `×` and `◀` take one column like the ASCII around them.
  const length = [...cell].length;
  const fill = ' '.repeat(Math.max(0, width - length));
  return align === 'right' ? fill + cell : cell + fill;
}

function alignedLines(table: Table, indent: string): string[] {
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, column) => Math.max(...all.map((row) => [...(row[column] ?? '')].length)));
  const line = (row: readonly string[]): string =>
    indent + row.map((cell, column) => pad(cell, widths[column] ?? 0, table.align[column] ?? 'left')).join('  ').trimEnd();
  // A column without a header (the sustained mark) gets no rule either, so nothing underlines air.
  const rule = indent + widths.map((width, column) => (table.header[column] ? '-' : ' ').repeat(width)).join('  ').trimEnd();
  return [line(table.header), rule, ...table.rows.map(line)];
}

/** Backslashes keep names like `<sockets>` or `a|b` from turning into HTML or table columns. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_<>|[\]]/g, '\\$&');
}

function markdownLines(table: Table): string[] {
  const row = (cells: readonly string[]): string => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const rule = `| ${table.align.map((align) => (align === 'right' ? '---:' : '---')).join(' | ')} |`;
  return [row(table.header), rule, ...table.rows.map(row)];
}

/** Angle brackets let a path hold spaces or parentheses without ending the link early. */
function markdownDestination(path: string): string {
  return /[\s()<>]/.test(path) ? `<${path}>` : path;
}

function stdoutHeader(results: BenchResults): string {
  return [
    'npm run bench',
    `node ${results.node}`,
    `socket.io ${results.socketIo}`,
    `${results.cores} cores`,
    `pinned: ${yesNo(results.pinned)}`,
    `quick: ${yesNo(results.quick)}`,
    `commit ${results.commit}`,
  ].join(' · ');
}

/** The date is the run's own, so regenerating the page from a saved results file changes nothing. */
function markdownHeader(results: BenchResults): string {
  const parts = [
    results.startedAt.slice(0, 10),
    `commit \`${results.commit}\``,
    `Node ${results.node}`,
    `${results.cores} cores`,
    results.pinned ? 'server and load generator pinned to separate cores' : 'not pinned',
  ];
  // A quick run uses short steps; the page should say so rather than pass it off as a full one.
  if (results.quick) parts.push('**quick run**');
  return parts.join(' · ');
}

/** The plain-text report printed at the end of a run. */
export function formatTable(results: BenchResults): string {
  const lines = [stdoutHeader(results), '', ...alignedLines(measurementTable(results.measurements), '')];
  const measurementNotes = notes(results.measurements);
  if (measurementNotes.length > 0) lines.push('', ...measurementNotes.map((note) => `note: ${note}`));
  for (const run of results.runs) {
    lines.push('', `${runLabel(run)}: ${sustainedSummary(run)}`, ...alignedLines(stepTable(run), '  '));
  }
  return `${lines.join('\n')}\n`;
}

/** The generated block of docs/benchmarks.md, without its markers (see {@link spliceGenerated}). */
export function formatMarkdown(results: BenchResults, chartPath: string): string {
  const lines = [markdownHeader(results), '', ...markdownLines(measurementTable(results.measurements))];
  const measurementNotes = notes(results.measurements);
  if (measurementNotes.length > 0) lines.push('', ...measurementNotes.map((note) => `- ${escapeMarkdown(note)}`));
  lines.push('', `![p99 latency against offered rate](${markdownDestination(chartPath)})`);
  for (const run of results.runs) {
    lines.push('', `**${escapeMarkdown(runLabel(run))}**: ${sustainedSummary(run)}`, '', ...markdownLines(stepTable(run)));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `page` with the text between the bench markers replaced by `generated`, or with the markers and
 * the block appended when the page has none. The result is the same however often it is applied.
 */
export function spliceGenerated(page: string, generated: string): string {
  const block = `${BEGIN_MARKER}\n${generated.replace(/\n+$/, '')}\n${END_MARKER}`;
  const from = page.indexOf(BEGIN_MARKER);
  const to = page.indexOf(END_MARKER);
  if (from < 0 && to < 0) {
    const separator = page === '' ? '' : page.endsWith('\n') ? '\n' : '\n\n';
    return `${page}${separator}${block}\n`;
  }
  // Appending a second pair would leave the broken one behind; the page needs a hand.
  if (from < 0 || to < from) throw new Error(`the page has a broken ${BEGIN_MARKER} … ${END_MARKER} pair`);
  return `${page.slice(0, from)}${block}${page.slice(to + END_MARKER.length)}`;
}
