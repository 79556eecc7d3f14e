import { Resvg } from '@resvg/resvg-js';
import type { DailyCount } from '../progress/types.ts';

/**
 * The /stats chart: answered and correct answers per day over the last 30 days, drawn as SVG and
 * rasterised to PNG by resvg (a prebuilt binary from the npm registry, no system libraries). Text is
 * ASCII only (dates and numbers), so the image reads the same on a machine without CJK fonts; the
 * legend lives in the embed, in the learner's language.
 */

export interface ChartOptions {
  width?: number;
  height?: number;
}

const PALETTE = {
  background: '#2b2d31',
  grid: '#3f4147',
  axis: '#b5bac1',
  answered: '#80848e',
  correct: '#57f287',
  text: '#dbdee1',
} as const;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char] ?? char);
}

/** A "nice" axis maximum and step (1, 2, 5 × 10^n) so gridlines fall on round numbers. */
export function niceScale(maxValue: number, targetTicks = 4): { max: number; step: number } {
  if (maxValue <= 0) return { max: targetTicks, step: 1 };
  const rough = maxValue / targetTicks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
  const roundedStep = Math.max(1, Math.round(step));
  return { max: Math.ceil(maxValue / roundedStep) * roundedStep, step: roundedStep };
}

/** The chart as an SVG document. Pure: tests read it as text. */
export function buildDailyChartSvg(daily: readonly DailyCount[], options: ChartOptions = {}): string {
  const width = options.width ?? 800;
  const height = options.height ?? 320;
  const margin = { top: 24, right: 20, bottom: 52, left: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const { max, step } = niceScale(Math.max(0, ...daily.map((day) => day.answered)));
  const slot = daily.length > 0 ? plotWidth / daily.length : plotWidth;
  const barWidth = Math.max(2, slot * 0.7);
  const y = (value: number) => margin.top + plotHeight - (value / max) * plotHeight;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`);
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" rx="8" fill="${PALETTE.background}"/>`);
  for (let tick = 0; tick <= max; tick += step) {
    const ty = y(tick).toFixed(1);
    parts.push(`<line x1="${margin.left}" y1="${ty}" x2="${width - margin.right}" y2="${ty}" stroke="${PALETTE.grid}" stroke-width="1"/>`);
    parts.push(`<text x="${margin.left - 8}" y="${ty}" dy="4" text-anchor="end" font-size="12" fill="${PALETTE.axis}">${tick}</text>`);
  }
  daily.forEach((day, index) => {
    const x = margin.left + index * slot + (slot - barWidth) / 2;
    if (day.answered > 0) {
      const top = y(day.answered);
      parts.push(`<rect class="answered" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(margin.top + plotHeight - top).toFixed(1)}" rx="2" fill="${PALETTE.answered}"/>`);
    }
    if (day.correct > 0) {
      const top = y(Math.min(day.correct, day.answered));
      parts.push(`<rect class="correct" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(margin.top + plotHeight - top).toFixed(1)}" rx="2" fill="${PALETTE.correct}"/>`);
    }
    // Label every fifth day and the last one, as MM-DD, so labels never overlap.
    if (index % 5 === 0 || index === daily.length - 1) {
      const label = escapeXml(day.date.slice(5));
      parts.push(`<text x="${(margin.left + index * slot + slot / 2).toFixed(1)}" y="${height - margin.bottom + 18}" text-anchor="middle" font-size="12" fill="${PALETTE.axis}">${label}</text>`);
    }
  });
  parts.push(`<line x1="${margin.left}" y1="${margin.top + plotHeight}" x2="${width - margin.right}" y2="${margin.top + plotHeight}" stroke="${PALETTE.axis}" stroke-width="1"/>`);
  const legendY = height - 10;
  parts.push(`<rect x="${margin.left}" y="${legendY - 10}" width="12" height="12" rx="2" fill="${PALETTE.answered}"/>`);
  parts.push(`<text x="${margin.left + 18}" y="${legendY}" font-size="12" fill="${PALETTE.text}">answered</text>`);
  parts.push(`<rect x="${margin.left + 100}" y="${legendY - 10}" width="12" height="12" rx="2" fill="${PALETTE.correct}"/>`);
  parts.push(`<text x="${margin.left + 118}" y="${legendY}" font-size="12" fill="${PALETTE.text}">correct</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** The chart as a PNG buffer, ready to attach to a message. */
export function renderDailyChartPng(daily: readonly DailyCount[], options: ChartOptions = {}): Buffer {
  const svg = buildDailyChartSvg(daily, options);
  const resvg = new Resvg(svg, {
    background: PALETTE.background,
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
