import fs from 'node:fs';
import path from 'node:path';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import { describe, expect, it } from 'vitest';
import { importBank } from '../../src/bank/import/index.ts';
import { importOk, papersDir, seedPaper } from './support.ts';

/** A Word document with one paragraph per line of a text paper, as a teacher's .docx would hold it. */
async function docxFromText(text: string): Promise<Buffer> {
  const document = new Document({
    sections: [{ children: text.split('\n').map((line) => new Paragraph({ children: [new TextRun(line)] })) }],
  });
  return Packer.toBuffer(document);
}

const papers = [
  ['the seed paper', seedPaper],
  ['the database mid-term', path.join(papersDir, 'database-midterm.txt')],
  ['the network quiz', path.join(papersDir, 'network-quiz.txt')],
  ['the OS practice with answers under each question', path.join(papersDir, 'os-practice-inline-answers.txt')],
] as const;

describe('importing Word documents', () => {
  it.each(papers)('reads %s from .docx exactly as from text', async (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    const fromText = await importOk(file);
    const stem = path.basename(file, '.txt');
    const fromDocx = await importBank({ filename: `${stem}.docx`, content: await docxFromText(text) });
    expect(fromDocx.ok).toBe(true);
    if (!fromDocx.ok) return;
    expect(fromDocx.format).toBe('docx');
    expect(fromDocx.report.formatReason).toBe('auto: extension .docx and a ZIP (Office) container');
    const { source: docxSource, ...docxBank } = fromDocx.bank;
    const { source: textSource, ...textBank } = fromText.bank;
    expect(docxSource).toBe(`Imported from ${stem}.docx (docx) with tutor bank import; answers, analyses and marking points are the file's own`);
    expect(textSource).toContain('(paper)');
    expect(docxBank).toEqual(textBank);
    // One paragraph per line, so the report's line numbers are the paragraph numbers of the document.
    const { source: _a, format: _b, formatReason: _c, ...docxReport } = fromDocx.report;
    const { source: _d, format: _e, formatReason: _f, ...textReport } = fromText.report;
    expect(docxReport).toEqual(textReport);
  });

  it('refuses a text file given as --format docx and names what it looks like', async () => {
    const outcome = await importBank({ filename: 'paper.docx', content: fs.readFileSync(path.join(papersDir, 'database-midterm.txt')), format: 'docx' });
    expect(outcome).toEqual({
      ok: false,
      format: 'docx',
      errors: [
        {
          message:
            'paper.docx is not a Word .docx file (no ZIP container): it looks like an exam paper (plain text) (12 exam-paper section headings, e.g. "一、单项选择题"); use --format paper',
        },
      ],
    });
  });

  it('refuses a ZIP that is not a Word document with the reason', async () => {
    const zipHeaderOnly = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)]);
    const outcome = await importBank({ filename: 'broken.docx', content: zipHeaderOnly });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.format).toBe('docx');
    expect(outcome.errors[0]!.message).toMatch(/^broken\.docx could not be read as a \.docx: /);
  });
});
