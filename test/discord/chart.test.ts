import { describe, expect, it } from 'vitest';
import { buildDailyChartSvg, niceScale, renderDailyChartPng } from '../../src/discord/chart.ts';

function lastThirtyDays(values: Array<[number, number]>) {
  return values.map(([answered, correct], i) => ({ date: `2026-11-${String(i + 1).padStart(2, '0')}`, answered, correct }));
}

describe('the 30-day chart', () => {
  const daily = lastThirtyDays(Array.from({ length: 30 }, (_, i) => [i % 4, i % 4 > 1 ? 1 : 0]));

  it('draws one answered bar per day with answers and one correct bar per day with correct answers', () => {
    const svg = buildDailyChartSvg(daily);
    expect(svg.match(/class="answered"/g)).toHaveLength(daily.filter((d) => d.answered > 0).length);
    expect(svg.match(/class="correct"/g)).toHaveLength(daily.filter((d) => d.correct > 0).length);
  });

  it('labels every fifth day and the last day as MM-DD', () => {
    const labels = [...buildDailyChartSvg(daily).matchAll(/>(\d\d-\d\d)</g)].map((m) => m[1]);
    expect(labels).toEqual(['11-01', '11-06', '11-11', '11-16', '11-21', '11-26', '11-30']);
  });

  it('draws a correct bar no taller than its answered bar', () => {
    const svg = buildDailyChartSvg(lastThirtyDays([[4, 2]]));
    const height = (cls: string) => Number(new RegExp(`class="${cls}"[^>]*height="([\\d.]+)"`).exec(svg)![1]);
    expect(height('correct')).toBeCloseTo(height('answered') / 2, 0);
  });

  it.each([
    [0, 4, 1],
    [3, 3, 1],
    [7, 8, 2],
    [23, 30, 10],
    [180, 200, 50],
  ])('puts gridlines on round numbers: a maximum of %i gives an axis to %i in steps of %i', (max, axis, step) => {
    expect(niceScale(max)).toEqual({ max: axis, step });
  });

  it('rasterises to a PNG of the requested size', () => {
    const png = renderDailyChartPng(daily, { width: 600, height: 240 });
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(600);
    expect(png.readUInt32BE(20)).toBe(240);
  });
});
