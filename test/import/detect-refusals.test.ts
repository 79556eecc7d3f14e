import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPORT_FORMATS, importBank, MAX_IMPORT_BYTES } from '../../src/bank/import/index.ts';
import { fixture, importFile, importFixturesDir, papersDir } from './support.ts';

describe('detecting the format', () => {
  it.each([
    [path.join(papersDir, 'database-midterm.txt'), 'paper', 'auto: 12 exam-paper section headings, e.g. "一、单项选择题"'],
    [fixture('gift/reference-examples.gift.txt'), 'gift', 'auto: 17 GIFT answer blocks such as {=right ~wrong}'],
    [fixture('aiken/two-questions.aiken.txt'), 'aiken', 'auto: 2 "ANSWER: X" lines after A) … options (Aiken)'],
    [fixture('moodle-xml/types/truefalse.xml'), 'moodle-xml', 'auto: extension .xml; content is XML with a <quiz> root'],
    [fixture('csv/cmmlu/computer_science.csv'), 'csv', 'auto: extension .csv'],
    [fixture('gaokao-json/2020-2023_Computing_MCQs.json'), 'gaokao-json', 'auto: extension .json; JSON with an "example" list of questions (GAOKAO-Bench)'],
    [fixture('cs-bench-json/csbench-en-valid.json'), 'cs-bench-json', 'auto: extension .json; a JSON list of items with "Format" and "Question" (CS-Bench)'],
    [fixture('agieval-jsonl/logiqa-zh.jsonl'), 'agieval-jsonl', 'auto: extension .jsonl; JSON Lines with "question", "options" and "label" (AGIEval)'],
  ])('detects %s as %s and says why', async (file, format, reason) => {
    const outcome = await importFile(file);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.format).toBe(format);
    expect(outcome.report.formatReason).toBe(reason);
  });

  it('detects by content when the extension says nothing', async () => {
    const gift = fs.readFileSync(fixture('gift/every-type.gift.txt'));
    const csv = fs.readFileSync(fixture('csv/ceval/data_structures_val.csv'));
    const outcomes = await Promise.all([importBank({ filename: 'export', content: gift }), importBank({ filename: 'export', content: csv })]);
    expect(outcomes.map((outcome) => outcome.ok && outcome.format)).toEqual(['gift', 'csv']);
  });

  it.each([
    ['gift/reference-examples.gift.txt', 'aiken', 'reference-examples.gift.txt does not read as Aiken: it looks like GIFT (17 GIFT answer blocks such as {=right ~wrong}); import it with --format gift'],
    ['aiken/two-questions.aiken.txt', 'csv', 'two-questions.aiken.txt does not read as CSV (C-Eval / CMMLU): it looks like Aiken (2 "ANSWER: X" lines after A) … options (Aiken)); import it with --format aiken'],
    ['csv/cmmlu/computer_science.csv', 'gaokao-json', 'computer_science.csv does not read as GAOKAO-Bench JSON: it looks like CSV (C-Eval / CMMLU) (extension .csv); import it with --format csv'],
    ['gaokao-json/2020-2023_Computing_MCQs.json', 'moodle-xml', '2020-2023_Computing_MCQs.json does not read as Moodle XML: it looks like GAOKAO-Bench JSON (extension .json; JSON with an "example" list of questions (GAOKAO-Bench)); import it with --format gaokao-json'],
    ['moodle-xml/types/numerical.xml', 'paper', 'numerical.xml does not read as an exam paper (plain text): it looks like Moodle XML (extension .xml; content is XML with a <quiz> root); import it with --format moodle-xml'],
  ])('names the real format when %s is given as %s', async (file, format, message) => {
    const outcome = await importFile(fixture(file), format as never);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors).toEqual([{ message }]);
  });
});

describe('refusing what is not a bank file', () => {
  it('refuses a file over 20 MB before parsing it', async () => {
    const outcome = await importBank({ filename: 'huge.txt', content: new Uint8Array(MAX_IMPORT_BYTES + 1) });
    expect(outcome).toEqual({ ok: false, errors: [{ message: 'huge.txt is 20 MiB: files over 20 MiB are refused' }] });
  });

  it('refuses a binary file with the offset of its first NUL byte', async () => {
    const outcome = await importBank({ filename: 'picture.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]) });
    expect(outcome).toEqual({ ok: false, errors: [{ message: 'picture.png refused: the file is not text: it contains a NUL byte at offset 8' }] });
  });

  it('refuses GBK text given as a paper, saying it is not UTF-8', async () => {
    const gbk = Buffer.from([0xd2, 0xbb, 0xa1, 0xa2, 0xd1, 0xa1, 0xd4, 0xf1, 0xcc, 0xe2, 0x0a]); // 一、选择题 in GBK
    const outcome = await importBank({ filename: 'paper.txt', content: gbk, format: 'paper' });
    expect(outcome).toEqual({
      ok: false,
      format: 'paper',
      errors: [{ message: 'paper.txt refused: the file is not valid UTF-8 text (a GBK/GB2312 file? save it as UTF-8 and import again)' }],
    });
  });

  it('refuses UTF-16 text with the fix', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('一、选择题\n', 'utf16le')]);
    const outcome = await importBank({ filename: 'paper.txt', content: utf16, format: 'paper' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors).toEqual([{ message: 'paper.txt refused: the file is UTF-16 text; save it as UTF-8 and import again' }]);
  });

  it('refuses an empty file and a bank id that is not allowed', async () => {
    expect(await importBank({ filename: 'empty.txt', content: new Uint8Array(0) })).toEqual({ ok: false, errors: [{ message: 'empty.txt is empty' }] });
    const badId = await importBank({ filename: 'quiz.txt', content: Buffer.from('一、选择题\n1. x\nA.a B.b\n'), bankId: 'my bank' });
    expect(badId).toEqual({ ok: false, errors: [{ message: 'bank id "my bank": use letters, digits, ".", "_" or "-" (no spaces)' }] });
  });

  it('says it cannot tell the format of plain prose', async () => {
    const outcome = await importBank({ filename: 'notes.txt', content: Buffer.from('Some notes about databases.\nNothing else.\n') });
    expect(outcome).toEqual({ ok: false, errors: [{ message: 'could not tell the format of notes.txt: give it with --format paper|docx|gift|aiken|moodle-xml|csv|gaokao-json|cs-bench-json|agieval-jsonl' }] });
  });
});

describe('bad input never crashes the importer', () => {
  it('answers every fixture under every format with a bank or plain errors, never an exception', async () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (!entry.name.endsWith('.md')) files.push(full);
      }
    };
    walk(importFixturesDir);
    walk(papersDir);
    expect(files.length).toBeGreaterThanOrEqual(32);
    for (const file of files) {
      const content = fs.readFileSync(file);
      for (const format of ['auto', ...IMPORT_FORMATS] as const) {
        const outcome = await importBank({ filename: path.basename(file), content, format });
        if (outcome.ok) expect(outcome.bank.questions.length, `${file} as ${format}`).toBeGreaterThan(0);
        else expect(outcome.errors.every((error) => error.message.length > 0), `${file} as ${format}`).toBe(true);
      }
    }
  }, 120_000);
});
