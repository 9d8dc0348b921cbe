/**
 * Words and a picture for a Compare's `comparison` (pure), shared by the CLI, the log summary and the
 * panel: the mean paired difference with its 90% interval, the verdict, each seed's difference, and a
 * small SVG strip of the seeds' dots over the interval. Never a bare single number: the interval
 * always goes with it.
 */
import type { SanityComparison } from '../compare-protocol';
import { escapeHtml } from './report-escape';
import { formatNumber, normLabel } from './report-view';

/** Accuracy differences are read in percentage points; errors in the metric's own units. */
function scaled(c: Pick<SanityComparison, 'metric'>, value: number): number {
  return c.metric === 'accuracy' ? value * 100 : value;
}

/** A signed number with a real minus sign: "+1.2", "−0.4", "0.0". */
function signed(value: number, digits: number): string {
  const text = Math.abs(value).toFixed(digits);
  return Number(text) === 0 ? text : `${value > 0 ? '+' : '−'}${text}`;
}

/** "+1.2 points" for accuracy; "−0.00312" for an error (three significant digits). */
export function formatDifference(c: Pick<SanityComparison, 'metric'>, value: number): string {
  if (c.metric === 'accuracy') {
    return `${signed(scaled(c, value), 1)} points`;
  }
  const text = formatNumber(Math.abs(value));
  return value === 0 ? text : `${value > 0 ? '+' : '−'}${text}`;
}

/** "−1.2 to +2.0 points" / "−0.005 to −0.001". */
export function formatInterval(c: Pick<SanityComparison, 'metric' | 'interval'>): string {
  const [lo, hi] = c.interval;
  if (c.metric === 'accuracy') {
    return `${signed(scaled(c, lo), 1)} to ${signed(scaled(c, hi), 1)} points`;
  }
  return `${formatDifference(c, lo)} to ${formatDifference(c, hi)}`;
}

function metricWords(c: SanityComparison): string {
  return c.metric === 'accuracy' ? 'held-out accuracy' : 'held-out MSE';
}

/** How many seeds, and how the interval was made. */
function basis(c: SanityComparison): string {
  if (c.method === 'paired-bootstrap') {
    return `one seed, so the interval resamples its ${c.examples} held-out examples and does not cover how much another seed would change the result`;
  }
  return `${c.seeds} paired seeds`;
}

/**
 * The comparison in one sentence, e.g. "RunningBatchNorm is better than BatchNorm here: +2.1 points of
 * held-out accuracy on average (90% interval +0.8 to +3.4 points; 3 paired seeds)." When the interval
 * holds zero it says "No clear difference" first and the mean only inside the interval's sentence.
 */
export function comparisonSentence(c: SanityComparison): string {
  const [subject, baseline] = [normLabel(c.subject), normLabel(c.baseline)];
  const level = `${Math.round(c.level * 100)}% interval`;
  if (c.verdict === 'no clear difference') {
    const sentence = `No clear difference between ${subject} and ${baseline}: the ${level} of the ${metricWords(c)} difference, ${formatInterval(c)}, includes zero (mean ${formatDifference(c, c.difference)}; ${basis(c)}).`;
    return atCeiling(c) ? `${sentence} Both scored every held-out example right${c.seeds > 1 ? ' on every seed' : ''}, so this task is too easy to tell them apart.` : sentence;
  }
  return `${subject} is ${c.verdict} than ${baseline} here: ${formatDifference(c, c.difference)} of ${metricWords(c)} on average (${level} ${formatInterval(c)}; ${basis(c)}).`;
}

/** Both runs of every seed at 100% held-out accuracy: a difference of zero that says nothing of the layers. */
function atCeiling(c: SanityComparison): boolean {
  return c.metric === 'accuracy' && c.perSeed.length > 0 && c.perSeed.every((s) => s.baseline === 1 && s.subject === 1);
}

/** "seed 1 +0.7, seed 2 −1.2, seed 3 +2.0 points": each paired seed's difference. */
export function perSeedText(c: SanityComparison): string {
  const each = c.perSeed.map((s) => `seed ${s.seed} ${c.metric === 'accuracy' ? signed(scaled(c, s.difference), 1) : formatDifference(c, s.difference)}`);
  return `${each.join(', ')}${c.metric === 'accuracy' ? ' points' : ''} (${normLabel(c.subject)} − ${normLabel(c.baseline)})`;
}

const WIDTH = 420;
const HEIGHT = 78;
const PAD = 28;
const AXIS_Y = 52;

/** Rounded for a label: one decimal for points, three significant digits for errors. */
function label(c: SanityComparison, value: number): string {
  return c.metric === 'accuracy' ? signed(scaled(c, value), 1) : formatDifference(c, value);
}

/**
 * The strip: an axis through zero, the interval as a bar with the mean on it, and one dot per seed above
 * it (hover: the seed and its two scores). Classes only, no inline styles (the page's CSP); report.css
 * colours them with the theme.
 */
export function comparisonStripSvg(c: SanityComparison): string {
  const values = [0, ...c.interval, ...c.perSeed.map((s) => s.difference)];
  let [min, max] = [Math.min(...values), Math.max(...values)];
  if (max - min < 1e-12) {
    [min, max] = c.metric === 'accuracy' ? [min - 0.005, max + 0.005] : [min - Math.abs(min || 1) * 0.1, max + Math.abs(max || 1) * 0.1];
  }
  const span = max - min;
  const x = (v: number) => (PAD + ((v - min) / span) * (WIDTH - 2 * PAD)).toFixed(1);
  const [lo, hi] = c.interval;
  const unclear = c.verdict === 'no clear difference';
  const score = (v: number) => (c.metric === 'accuracy' ? `${(v * 100).toFixed(1)}%` : formatNumber(v));
  const dots = c.perSeed.map((s, i) => {
    const title = `seed ${s.seed}: ${normLabel(c.subject)} ${score(s.subject)}, ${normLabel(c.baseline)} ${score(s.baseline)} (${label(c, s.difference)}${c.metric === 'accuracy' ? ' points' : ''}), ${s.steps} steps`;
    // Seeds alternate between two rows so that close ones stay apart.
    return `<circle class="strip-seed" cx="${x(s.difference)}" cy="${i % 2 === 0 ? 22 : 30}" r="4.5"><title>${escapeHtml(title)}</title></circle>`;
  });
  const labels = [
    `<text class="strip-label" x="${x(lo)}" y="${AXIS_Y + 20}" text-anchor="end">${escapeHtml(label(c, lo))}</text>`,
    `<text class="strip-label" x="${x(hi)}" y="${AXIS_Y + 20}" text-anchor="start">${escapeHtml(label(c, hi))}</text>`,
    `<text class="strip-zero-label" x="${x(0)}" y="10" text-anchor="middle">0</text>`,
  ];
  const description = `${Math.round(c.level * 100)}% interval ${formatInterval(c)}, mean ${formatDifference(c, c.difference)}, ${c.perSeed.length} seed${c.perSeed.length === 1 ? '' : 's'}`;
  return `<svg class="comparison-strip${unclear ? ' unclear' : ''}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(description)}">
  <line class="strip-axis" x1="${PAD}" y1="${AXIS_Y}" x2="${WIDTH - PAD}" y2="${AXIS_Y}"/>
  <line class="strip-zero" x1="${x(0)}" y1="14" x2="${x(0)}" y2="${AXIS_Y + 8}"/>
  <line class="strip-interval" x1="${x(lo)}" y1="${AXIS_Y}" x2="${x(hi)}" y2="${AXIS_Y}"/>
  <line class="strip-cap" x1="${x(lo)}" y1="${AXIS_Y - 6}" x2="${x(lo)}" y2="${AXIS_Y + 6}"/>
  <line class="strip-cap" x1="${x(hi)}" y1="${AXIS_Y - 6}" x2="${x(hi)}" y2="${AXIS_Y + 6}"/>
  <rect class="strip-mean" x="${(Number(x(c.difference)) - 4).toFixed(1)}" y="${AXIS_Y - 4}" width="8" height="8" transform="rotate(45 ${x(c.difference)} ${AXIS_Y})"><title>${escapeHtml(`mean ${formatDifference(c, c.difference)}`)}</title></rect>
  ${dots.join('\n  ')}
  ${labels.join('\n  ')}
</svg>`;
}

/** The panel's figure: the strip and what it shows. */
export function comparisonFigure(c: SanityComparison): string {
  const what = c.method === 'paired-bootstrap' ? 'the dot is the one seed' : 'each dot is one paired seed';
  const caption = `${normLabel(c.subject)} − ${normLabel(c.baseline)}, ${metricWords(c)}${c.metric === 'accuracy' ? ' in points' : ''}: ${what}; the bar is the ${Math.round(c.level * 100)}% interval of the mean (◆). Per seed: ${perSeedText(c)}.`;
  return `<figure class="comparison-figure">
  ${comparisonStripSvg(c)}
  <figcaption class="muted">${escapeHtml(caption)}</figcaption>
</figure>`;
}
