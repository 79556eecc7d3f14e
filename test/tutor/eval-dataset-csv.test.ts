import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMohlerCsv } from '../../src/tutor/eval/datasets.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mohler-csv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// A quoted answer that spans lines, a doubled quote, a comma in a field and a CRLF row: the cases where a line count by rows goes wrong.
const CSV = [
  'id,question,desired_answer,student_answer,score_me,score_other,score_avg',
  '1.1,What is a prototype?,"A quick program, to simulate parts.","It simulates\nportions of the ""final"" product.",4,5,4.5',
  '1.2,What is a stack?,Last in first out.,LIFO,5,5,5\r',
  '',
  '1.3,What is a queue?,First in first out.,"FIFO, like a line",3,4,3.5',
  '',
].join('\n');

describe('the Mohler CSV loader reads with the importer’s CSV reader', () => {
  it('gives each answer the line its row starts on, and the same fields as csv-parse reads', () => {
    const file = path.join(dir, 'mohler.csv');
    fs.writeFileSync(file, CSV);
    const items = loadMohlerCsv(file);
    expect(items.map((item) => item.source)).toEqual(['mohler.csv:2', 'mohler.csv:4', 'mohler.csv:6']);
    const rows = parse(CSV, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    expect(items.map((item) => [item.question.stem, item.question.reference, item.answer, item.human])).toEqual(
      rows.map((row) => [row.question, row.desired_answer, row.student_answer, Number(row.score_avg)]),
    );
    expect(items[0]!.answer).toBe('It simulates\nportions of the "final" product.');
  });

  it('names the line of a quoted field that is never closed', () => {
    const file = path.join(dir, 'broken.csv');
    fs.writeFileSync(file, 'id,question,desired_answer,student_answer,score_avg\n1,Q,"unclosed,x,1\n');
    expect(() => loadMohlerCsv(file)).toThrow(/line 2/);
  });
});
