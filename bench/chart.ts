/**
 * The chart of `npm run bench`: p99 latency against offered rate, one line per stepped run, as a
 * standalone SVG. GitHub shows SVGs in markdown as images with scripts, external fonts and
 * stylesheets stripped, so everything is inline attributes and the generic `sans-serif` font.
 */
import type { RateStep, SteppedRun } from './results.js';

export interface LatencyChartOptions {
  title?: string;
  /** Where the dotted budget line is drawn; 50 ms unless given. */
  p99BudgetMs?: number;
}

const WIDTH = 720;
const BASE_HEIGHT = 420;
const MARGIN_LEFT = 64;
const MARGIN_RIGHT = 24;
const PLOT_TOP = 40;
/** Tick labels and the x axis title sit in this band under the plot. */
const AXIS_BAND = 52;
const LEGEND_ROW = 16;
const MIN_PLOT_HEIGHT = 200;
const Y_FLOOR_MS = 0.5;
const DEFAULT_BUDGET_MS = 50;
/** Below this share a step lost messages, which its latency figures do not show: hollow marker. */
const FULL_DELIVERY = 0.999;

/** Okabe-Ito, without its yellow, which is unreadable on white. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

/** The name a run goes by in the chart's legend and the report's tables. */
export function runLabel(run: Pick<SteppedRun, 'target' | 'backend' | 'scenario'>): string {
  const who = run.target === 'baseline' ? 'baseline' : 'Parley';
  return `${who}${run.backend ? ` (${run.backend})` : ''} · ${run.scenario}`;
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Fixed precision keeps the document byte-identical across runs of the same input. */
function num(value: number): string {
  return Number(value.toFixed(1)).toString();
}

/** Digits grouped by a space, as docs/benchmarks.md writes them (`13 737`); rounds to an integer. */
export function groupThousands(value: number): string {
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** The smallest of 1, 2, 5, 10, 20, 50, … that is at least `value`. */
function niceLogCeiling(value: number): number {
  let candidate = 1;
  for (let decade = 1; ; decade *= 10) {
    for (const mantissa of [1, 2, 5]) {
      candidate = mantissa * decade;
      if (candidate >= value) return candidate;
    }
  }
}

/** 1, 2, 5, 10, … up to `max`: the labelled ticks of the log axis. */
function logTicks(max: number): number[] {
  const ticks: number[] = [];
  for (let decade = 1; decade <= max; decade *= 10) {
    for (const mantissa of [1, 2, 5]) {
      if (mantissa * decade <= max) ticks.push(mantissa * decade);
    }
  }
  return ticks;
}

/** A tick step of 1, 2 or 5 times a power of ten giving at most about six intervals. */
function linearStep(max: number): number {
  const raw = max / 6;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const mantissa of [1, 2, 5, 10]) {
    if (mantissa * magnitude >= raw) return mantissa * magnitude;
  }
  return 10 * magnitude;
}

interface LinearAxis {
  max: number;
  ticks: number[];
}

function linearAxis(largest: number): LinearAxis {
  // Without any offered rate there is nothing to scale to; any round range draws empty axes.
  const dataMax = largest > 0 ? largest : 1000;
  const step = linearStep(dataMax);
  const intervals = Math.ceil(dataMax / step - 1e-9);
  // toPrecision drops the float noise of i * step (0.30000000000000004) from the labels.
  const ticks = Array.from({ length: intervals + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  return { max: Number((intervals * step).toPrecision(12)), ticks };
}

interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
  xMax: number;
  yMax: number;
}

function xOf(frame: Frame, offered: number): number {
  return frame.left + (offered / frame.xMax) * (frame.right - frame.left);
}

/** Latencies under the axis floor (or zero, which has no logarithm) are drawn on the floor. */
function yOf(frame: Frame, ms: number): number {
  const clamped = Math.min(Math.max(ms, Y_FLOOR_MS), frame.yMax);
  const share = Math.log(clamped / Y_FLOOR_MS) / Math.log(frame.yMax / Y_FLOOR_MS);
  return frame.bottom - share * (frame.bottom - frame.top);
}

/** Steps without a finite latency (nothing delivered) cannot be placed, so they are left out. */
function plottableSteps(run: SteppedRun): RateStep[] {
  return run.steps.filter((step) => Number.isFinite(step.p99) && Number.isFinite(step.offered)).sort((a, b) => a.offered - b.offered);
}

function colourOf(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '#000000';
}

function dashOf(run: SteppedRun): string {
  return run.target === 'baseline' ? ' stroke-dasharray="6 4"' : '';
}

function marker(x: number, y: number, colour: string, hollow: boolean): string {
  const fill = hollow ? '#ffffff' : colour;
  return `<circle cx="${num(x)}" cy="${num(y)}" r="3.5" fill="${fill}" stroke="${colour}" stroke-width="1.5"/>`;
}

function yAxis(frame: Frame): string[] {
  const parts: string[] = [];
  for (const tick of logTicks(frame.yMax)) {
    const y = num(yOf(frame, tick));
    parts.push(`<line x1="${frame.left}" y1="${y}" x2="${frame.right}" y2="${y}" stroke="#e5e5e5" stroke-width="1"/>`);
    parts.push(`<text x="${frame.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#333333">${groupThousands(tick)}</text>`);
  }
  const middle = num((frame.top + frame.bottom) / 2);
  parts.push(
    `<text x="16" y="${middle}" text-anchor="middle" fill="#333333" transform="rotate(-90 16 ${middle})">p99 latency (ms, log scale)</text>`,
  );
  return parts;
}

function xAxis(frame: Frame, ticks: readonly number[]): string[] {
  const parts: string[] = [];
  for (const tick of ticks) {
    const x = num(xOf(frame, tick));
    parts.push(`<line x1="${x}" y1="${frame.bottom}" x2="${x}" y2="${frame.bottom + 5}" stroke="#333333" stroke-width="1"/>`);
    parts.push(`<text x="${x}" y="${frame.bottom + 18}" text-anchor="middle" fill="#333333">${groupThousands(tick)}</text>`);
  }
  const centre = num((frame.left + frame.right) / 2);
  parts.push(`<text x="${centre}" y="${frame.bottom + 40}" text-anchor="middle" fill="#333333">offered messages/s</text>`);
  return parts;
}

function budgetLine(frame: Frame, budgetMs: number): string[] {
  const y = yOf(frame, budgetMs);
  return [
    `<line x1="${frame.left}" y1="${num(y)}" x2="${frame.right}" y2="${num(y)}" stroke="#555555" stroke-width="1.5" stroke-dasharray="2 3"/>`,
    // Left and under the line: latency curves climb past the budget towards the right, and under
    // the line the label stays inside the plot even when the budget is the axis maximum. The white
    // halo keeps it legible where a run's line still crosses it.
    `<text x="${frame.left + 6}" y="${num(y + 14)}" fill="#555555" stroke="#ffffff" stroke-width="3" paint-order="stroke">p99 budget (${escapeXml(String(budgetMs))} ms)</text>`,
  ];
}

function runSeries(frame: Frame, run: SteppedRun, colour: string): string[] {
  const steps = plottableSteps(run);
  const points = steps.map((step) => ({ x: xOf(frame, step.offered), y: yOf(frame, step.p99), hollow: step.deliveredShare < FULL_DELIVERY }));
  const parts: string[] = [];
  if (points.length > 1) {
    const coordinates = points.map((p) => `${num(p.x)},${num(p.y)}`).join(' ');
    parts.push(`<polyline points="${coordinates}" fill="none" stroke="${colour}" stroke-width="2"${dashOf(run)}/>`);
  }
  for (const p of points) parts.push(marker(p.x, p.y, colour, p.hollow));
  return parts;
}

function legend(runs: readonly SteppedRun[], top: number): string[] {
  const parts: string[] = [];
  const x = MARGIN_LEFT;
  runs.forEach((run, index) => {
    const y = top + index * LEGEND_ROW;
    const colour = colourOf(index);
    parts.push(`<line x1="${x}" y1="${y}" x2="${x + 28}" y2="${y}" stroke="${colour}" stroke-width="2"${dashOf(run)}/>`);
    parts.push(marker(x + 14, y, colour, false));
    parts.push(`<text x="${x + 36}" y="${y}" dominant-baseline="middle" fill="#222222">${escapeXml(runLabel(run))}</text>`);
  });
  const noteY = top + runs.length * LEGEND_ROW;
  parts.push(marker(x + 14, noteY, '#555555', true));
  parts.push(`<text x="${x + 36}" y="${noteY}" dominant-baseline="middle" fill="#555555">hollow marker: under 99.9% of the step's messages delivered</text>`);
  return parts;
}

function largestOffered(runs: readonly SteppedRun[]): number {
  return Math.max(0, ...runs.flatMap((run) => plottableSteps(run).map((step) => step.offered)));
}

function largestP99(runs: readonly SteppedRun[]): number {
  return Math.max(0, ...runs.flatMap((run) => plottableSteps(run).map((step) => step.p99)));
}

/**
 * p99 latency (log scale) against offered messages/s for each run, with the budget line, as an SVG
 * document. The same runs give the same bytes, so a re-run without changes leaves the file alone.
 */
export function renderLatencyChart(runs: readonly SteppedRun[], options: LatencyChartOptions = {}): string {
  const budgetMs = options.p99BudgetMs ?? DEFAULT_BUDGET_MS;
  const title = options.title ?? 'p99 latency against offered rate';
  const legendRows = runs.length + 1;
  const legendHeight = legendRows * LEGEND_ROW;
  // The plot keeps the base height's room unless the legend would squeeze it; then the image grows.
  const plotHeight = Math.max(MIN_PLOT_HEIGHT, BASE_HEIGHT - PLOT_TOP - AXIS_BAND - legendHeight - 8);
  const height = PLOT_TOP + plotHeight + AXIS_BAND + legendHeight + 8;
  const x = linearAxis(largestOffered(runs));
  const frame: Frame = {
    left: MARGIN_LEFT,
    right: WIDTH - MARGIN_RIGHT,
    top: PLOT_TOP,
    bottom: PLOT_TOP + plotHeight,
    xMax: x.max,
    yMax: niceLogCeiling(Math.max(1, budgetMs, largestP99(runs))),
  };
  const body = [
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold" fill="#222222">${escapeXml(title)}</text>`,
    ...yAxis(frame),
    ...xAxis(frame, x.ticks),
    `<rect x="${frame.left}" y="${frame.top}" width="${frame.right - frame.left}" height="${plotHeight}" fill="none" stroke="#333333" stroke-width="1"/>`,
    ...budgetLine(frame, budgetMs),
    ...runs.flatMap((run, index) => runSeries(frame, run, colourOf(index))),
    ...legend(runs, frame.bottom + AXIS_BAND + LEGEND_ROW / 2),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
