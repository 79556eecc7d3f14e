import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { formatClassCsv, textCell, type ExportRow } from '../../src/progress/csv-export.ts';

const rows: ExportRow[] = [
  {
    userId: '111',
    displayName: '李雷',
    bankId: 'ai-inference',
    attempts: 3,
    correct: 2,
    pointsEarned: 5.5,
    pointsAvailable: 7,
    topics: [
      { topic: '剪枝', attempts: 2, correct: 2 },
      { topic: null, attempts: 1, correct: 0 },
    ],
  },
  {
    userId: '222',
    displayName: '=HYPERLINK("http://evil.example","click"), "the" best',
    bankId: 'ai-inference',
    attempts: 4,
    correct: 1,
    pointsEarned: 1,
    pointsAvailable: 4,
    topics: [{ topic: 'Quantization, INT8', attempts: 4, correct: 1 }],
  },
  {
    userId: '333',
    displayName: 'line one\nline two',
    bankId: '@bank',
    attempts: 0,
    correct: 0,
    pointsEarned: 0,
    pointsAvailable: 0,
    topics: [],
  },
];

describe('formatClassCsv', () => {
  const csv = formatClassCsv(rows);

  it('starts with a UTF-8 byte-order mark and ends every line with CRLF', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    // Every line break outside quotes is CRLF: 4 records; the one LF inside a quoted name stays as given.
    expect(csv.split('\r\n')).toHaveLength(5);
  });

  it('round-trips through csv-parse: one row per learner and bank, per-topic accuracy in its own column', () => {
    const parsed = parse(csv, { bom: true }) as string[][];
    expect(parsed).toEqual([
      ['learner_id', 'learner', 'bank', 'answers', 'correct', 'points', 'points_available', 'accuracy', 'accuracy: Quantization, INT8', 'accuracy: 剪枝', 'accuracy: (no topic)'],
      ['111', '李雷', 'ai-inference', '3', '2', '5.5', '7', '0.6667', '', '1', '0'],
      ['222', `'=HYPERLINK("http://evil.example","click"), "the" best`, 'ai-inference', '4', '1', '1', '4', '0.25', '0.25', '', ''],
      ['333', 'line one\nline two', "'@bank", '0', '0', '0', '0', '', '', '', ''],
    ]);
  });

  it('defuses every formula-looking start with an apostrophe and leaves other text alone', () => {
    expect(textCell('=1+1')).toBe("'=1+1");
    expect(textCell('+33 1 23')).toBe("'+33 1 23");
    expect(textCell('-2')).toBe("'-2");
    expect(textCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(textCell('\tcmd')).toBe("'\tcmd");
    expect(textCell('\r=1')).toBe('"\'\r=1"');
    expect(textCell('Ana = 1')).toBe('Ana = 1');
    expect(textCell('say "hi"')).toBe('"say ""hi"""');
  });

  it('writes only the header for an empty class', () => {
    expect(parse(formatClassCsv([]), { bom: true })).toEqual([['learner_id', 'learner', 'bank', 'answers', 'correct', 'points', 'points_available', 'accuracy']]);
  });
});
