/**
 * What was seen behind each explosion finding, and behind growth that was not one: the layer, the step,
 * the quantity that grew (a layer's gradient norm or a weight's largest element), from what to what,
 * what confirmed it (a large magnitude on its own, the loss rising, the layer's weights growing, a
 * NaN/Inf) and, for one that ended in NaN/Inf, the NaN's cause where it is known. The page's section
 * and the CLI's summary lines are both written from `explosionDetails`, so they say the same thing.
 */
import type { ExplosionWarning, RunReport, SanityReport, SourceLocation } from '../protocol';
import { escapeHtml, sourceLink } from './report-escape';
import { formatGrowth, formatNumber, runLabel } from './report-view';
import { median } from '../comparison-stats';

/** One finding (or growth seen) in words. */
export interface ExplosionDetail {
  run: string;
  layer: string;
  className: string;
  step: number;
  /** "gradient norm" or "largest weight of conv/kernel". */
  quantity: string;
  /** "0.0012 → 1.8 (1500×)", or "1500×" when the report does not say what it grew to. */
  growth: string;
  /** What confirmed it ("loss rising: the loss rose from 1 to 5 in the steps after"); null for growth seen. */
  confirmation: string | null;
  /** For a gradient that spiked and fell back, again and again: how often, how high, and the loss then. */
  spikes: string | null;
  /** For growth seen: what followed it ("nothing followed (loss 2 before, 1.9 after)"). */
  followed: string | null;
  cause: string | null;
  source: SourceLocation | null;
}

const CONFIRMED_BY: Record<NonNullable<ExplosionWarning['confirmedBy']>, string> = {
  magnitude: 'a large magnitude',
  loss: 'loss rising',
  weights: 'weights growing',
  nonFinite: 'non-finite values',
};

export function quantityOf(w: ExplosionWarning): string {
  return w.measure === 'gradient' ? 'gradient norm' : `largest weight of ${w.weight}`;
}

/** From what to what, and the factor; the factor alone when the magnitude is unknown (older reports). */
export function growthOf(w: ExplosionWarning): string {
  if (w.magnitude === undefined || !(w.growth > 0) || !Number.isFinite(w.growth)) {
    return formatGrowth(w.growth);
  }
  return `${formatNumber(w.magnitude / w.growth)} → ${formatNumber(w.magnitude)} (${formatGrowth(w.growth)})`;
}

/** "0.01 → 1.5 (150×), confirmed by loss rising": for the charts' and the graph's mark; '' for an older report. */
export function briefEvidence(w: ExplosionWarning): string {
  if (w.magnitude === undefined && w.confirmedBy === undefined) {
    return '';
  }
  return `${growthOf(w)}${w.confirmedBy ? `, confirmed by ${CONFIRMED_BY[w.confirmedBy]}` : ''}`;
}

function confirmationOf(w: ExplosionWarning): string | null {
  if (w.evidence === undefined) {
    return w.confirmedBy ? CONFIRMED_BY[w.confirmedBy] : null;
  }
  return w.confirmedBy ? `${CONFIRMED_BY[w.confirmedBy]}: ${w.evidence}` : w.evidence;
}

/** A finding that ended in NaN/Inf shares the NaN's cause, when the run knows it. */
function causeOf(w: ExplosionWarning, run: RunReport): string | null {
  const endedInNaN = w.confirmedBy === 'nonFinite' || (w.confirmedBy === undefined && /NaN\/Inf/.test(w.evidence ?? ''));
  return endedInNaN && run.nan?.cause ? run.nan.cause : null;
}

/** A sampled norm this many times the layer's median is a spike; one under a tenth of that has fallen back. */
const SPIKE = 100;
const SETTLED = 10;

/**
 * A gradient finding that is a train of spikes rather than steady growth (each sampled spike back near
 * the median by the next sample, and the last sample too): how many, how high, and the training loss on
 * those steps beside its median, so the user sees what the run saw. Null for anything else.
 */
export function spikesOf(w: ExplosionWarning, run: Pick<RunReport, 'layers' | 'losses'>): string | null {
  const layer = w.measure === 'gradient' ? run.layers?.find((l) => l.name === w.layer) : undefined;
  const norms = (layer?.steps ?? []).flatMap((step, i) => {
    const v = layer!.gradNorm[i];
    return v !== null && v !== undefined && Number.isFinite(v) ? [{ step, v }] : [];
  });
  if (norms.length < 10) {
    return null;
  }
  const typical = median(norms.map((n) => n.v))!;
  const spikes = norms.flatMap((n, i) => (n.v >= typical * SPIKE ? [i] : []));
  const fellBack = spikes.every((i) => i + 1 < norms.length && norms[i + 1]!.v < typical * SETTLED);
  if (spikes.length === 0 || !fellBack) {
    return null;
  }
  const highest = Math.max(...spikes.map((i) => norms[i]!.v));
  const text = `${spikes.length} spike${spikes.length === 1 ? '' : 's'} of the gradient norm (up to ${formatNumber(highest)}, ≥${SPIKE}× its median ${formatNumber(typical)}), each back near the median by the next sampled step`;
  const losses = (run.losses ?? []).filter((l): l is number => l !== null && Number.isFinite(l));
  const atSpikes = spikes.map((i) => run.losses?.[norms[i]!.step - 1]).filter((l): l is number => typeof l === 'number' && Number.isFinite(l));
  return atSpikes.length === 0 || losses.length === 0 ? text : `${text}; the training loss on those steps: up to ${formatNumber(Math.max(...atSpikes))} (median of all steps ${formatNumber(median(losses)!)})`;
}

/** What followed growth that was not confirmed: the evidence from "nothing followed" on. */
function followedOf(w: ExplosionWarning): string | null {
  const evidence = w.evidence ?? '';
  const at = evidence.indexOf('nothing followed');
  return at >= 0 ? evidence.slice(at) : evidence || null;
}

/** Every finding of every run, then (`seen: true`) every growth seen but not confirmed. */
export function explosionDetails(report: Pick<SanityReport, 'runs'>, seen = false): ExplosionDetail[] {
  return report.runs.flatMap((run, i) =>
    (seen ? (run.growthSeen ?? []) : run.exploding).map((w) => ({
      run: runLabel(run, i),
      layer: w.layer,
      className: w.className,
      step: w.step,
      quantity: quantityOf(w),
      growth: growthOf(w),
      confirmation: seen ? null : confirmationOf(w),
      spikes: seen ? null : spikesOf(w, run),
      followed: seen ? followedOf(w) : null,
      cause: seen ? null : causeOf(w, run),
      source: w.source,
    })),
  );
}

/** The CLI's lines under a finding's own line (indented by the caller). */
export function explosionDetailLines(w: ExplosionWarning, run: RunReport): string[] {
  const lines = [`grew: ${growthOf(w)}`];
  const confirmation = confirmationOf(w);
  if (confirmation) {
    lines.push(`confirmed by ${confirmation}`);
  }
  const spikes = spikesOf(w, run);
  if (spikes) {
    lines.push(`seen: ${spikes}`);
  }
  const cause = causeOf(w, run);
  if (cause) {
    lines.push(`cause: ${cause}`);
  }
  return lines;
}

/**
 * "growth seen, not confirmed: layer “bn1” (BatchNormalization), step 40: gradient norm 0.001 → 0.12
 * (120×); nothing followed (…)"; with `withRun`, the run's label after the colon.
 */
export function growthSeenText(d: ExplosionDetail, withRun = false): string {
  return `growth seen, not confirmed: ${withRun ? `${d.run}, ` : ''}layer “${d.layer}” (${d.className}), step ${d.step}: ${d.quantity} ${d.growth}${d.followed ? `; ${d.followed}` : ''}`;
}

const HEADS = ['Run', 'Layer', 'Quantity', 'Growth', 'By step', 'Confirmed by', 'Built at'];

function findingRow(d: ExplosionDetail, roots: readonly string[]): string {
  const confirmation = [d.confirmation ?? '—', ...(d.spikes ? [`seen: ${d.spikes}`] : []), ...(d.cause ? [`cause: ${d.cause}`] : [])].map(escapeHtml).join('<br>');
  const cells = [
    escapeHtml(d.run),
    `${escapeHtml(d.layer)} <span class="muted">(${escapeHtml(d.className)})</span>`,
    escapeHtml(d.quantity),
    escapeHtml(d.growth),
    String(d.step),
    confirmation,
    sourceLink(d.source, roots),
  ];
  return `<tr>${cells.map((c, j) => `<td data-label="${HEADS[j]}">${c}</td>`).join('')}</tr>`;
}

function growthSeenList(seen: ExplosionDetail[], roots: readonly string[]): string {
  const items = seen.map((d) => {
    const text = growthSeenText(d, true);
    return `<li>${escapeHtml(text[0]!.toUpperCase() + text.slice(1))} (built at ${sourceLink(d.source, roots)})</li>`;
  });
  return `<ul class="muted growth-seen">${items.join('')}</ul>`;
}

/**
 * The page's section: a row per finding with what was seen, then a quiet line per growth that was not
 * confirmed; only the quiet lines when nothing was confirmed; nothing when neither was seen.
 */
export function explosionsSection(report: Pick<SanityReport, 'runs'>, roots: readonly string[]): string {
  const findings = explosionDetails(report);
  const seen = explosionDetails(report, true);
  if (findings.length === 0) {
    return seen.length === 0 ? '' : `<section class="growth-seen">\n  ${growthSeenList(seen, roots)}\n</section>`;
  }
  return `<section class="explosions">
  <h2>Exploding weights</h2>
  <p class="muted">A layer’s gradient norm, or a weight’s largest magnitude, grew by more than 100× within 50 steps, and it reached a large magnitude or its consequences followed.</p>
  <div class="table-scroll"><table>
    <thead><tr>${HEADS.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>
    <tbody>${findings.map((d) => findingRow(d, roots)).join('')}</tbody>
  </table></div>${seen.length > 0 ? `\n  ${growthSeenList(seen, roots)}` : ''}
</section>`;
}
