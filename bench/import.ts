import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import { importBank, type ImportFormat } from '../src/bank/import/index.ts';
import type { BenchModule } from './run.ts';

/**
 * Import time for the full sample sets in ../shared (every fixture of every format, as the tests
 * use them), then two large generated files to show how the importer scales toward the 20 MB limit.
 * Each set is imported once to warm up, then repeatedly for about a second; figures are per file.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = path.resolve(repoRoot, '../shared');

function filesUnder(folder: string, pattern: RegExp): string[] {
  const root = path.join(shared, folder);
  if (!fs.existsSync(root)) throw new Error(`sample set missing: ${root}`);
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (pattern.test(entry.name)) found.push(full);
    }
  };
  walk(root);
  return found;
}

interface Sample {
  filename: string;
  content: Buffer;
}

function read(files: string[]): Sample[] {
  return files.map((file) => ({ filename: path.basename(file), content: fs.readFileSync(file) }));
}

async function docxOf(file: string): Promise<Sample> {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const document = new Document({ sections: [{ children: lines.map((line) => new Paragraph({ children: [new TextRun(line)] })) }] });
  return { filename: `${path.basename(file, '.txt')}.docx`, content: await Packer.toBuffer(document) };
}

async function measure(samples: Sample[], format: ImportFormat) {
  let questions = 0;
  let failed = 0;
  for (const sample of samples) {
    const outcome = await importBank({ ...sample, format });
    if (outcome.ok) questions += outcome.bank.questions.length;
    else failed += 1;
  }
  let rounds = 0;
  const started = performance.now();
  do {
    for (const sample of samples) await importBank({ ...sample, format });
    rounds += 1;
  } while (performance.now() - started < 1000 || rounds < 3);
  const elapsed = performance.now() - started;
  const perRound = elapsed / rounds;
  const bytes = samples.reduce((total, sample) => total + sample.content.length, 0);
  return { questions, failed, perFile: perRound / samples.length, questionsPerSecond: (questions / perRound) * 1000, bytes, megabytesPerSecond: bytes / 1024 / 1024 / (perRound / 1000) };
}

function generatedPaper(questionCount: number): string {
  const lines = ['生成的大试卷', '一、单项选择题（每题2分）'];
  const keys: string[] = [];
  for (let n = 1; n <= questionCount; n += 1) {
    lines.push(`${n}、第${n}题：下列关于索引的说法中，哪一项是正确的（ ）`, 'A.索引能加快查询  B.索引越多越好  C.索引不占空间  D.索引不需要维护');
    keys.push(`${n}、A`, '解析：索引加快查询，但会占用空间并增加维护开销。');
  }
  return [...lines, '参考答案', '一、单项选择题', ...keys].join('\n');
}

function generatedCsv(targetBytes: number): string {
  const rows = ['id,question,A,B,C,D,answer,explanation'];
  let size = rows[0]!.length;
  for (let n = 0; size < targetBytes; n += 1) {
    const row = `${n},"第${n}题：TCP 建立连接需要几次握手？",一次,两次,三次,四次,C,"三次握手让双方确认收发能力并同步初始序号。"`;
    rows.push(row);
    size += Buffer.byteLength(row) + 1;
  }
  return rows.join('\n');
}

const bench: BenchModule = {
  name: 'import',
  async run(log) {
    const papers = [path.join(shared, 'seed/000_4b88902bda2c5919.txt'), ...fs.readdirSync(path.join(repoRoot, 'test/fixtures/papers')).sort().map((name) => path.join(repoRoot, 'test/fixtures/papers', name))];
    const sets: Array<[ImportFormat, Sample[]]> = [
      ['paper', read(papers)],
      ['docx', await Promise.all(papers.map(docxOf))],
      ['gift', read(filesUnder('datasets/moodle-formats/question/format/gift', /\.txt$/))],
      ['aiken', read(filesUnder('datasets/moodle-formats/question/format/aiken', /\.txt$/))],
      ['moodle-xml', read(filesUnder('datasets/moodle-formats/question', /\.xml$/))],
      ['csv', read([...filesUnder('datasets/ceval', /\.csv$/), ...filesUnder('datasets/cmmlu', /\.csv$/)])],
      ['gaokao-json', read(filesUnder('datasets/gaokao-bench/Data', /\.json$/))],
      ['cs-bench-json', read(filesUnder('datasets/cs-bench/Dataset', /\.json$/))],
      ['agieval-jsonl', read(filesUnder('datasets/agieval/data', /\.jsonl$/))],
    ];
    log('| format | files | questions | refused files | ms per file | questions/s | MB/s |');
    log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [format, samples] of sets) {
      const result = await measure(samples, format);
      log(
        `| ${format} | ${samples.length} | ${result.questions} | ${result.failed} | ${result.perFile.toFixed(2)} | ${Math.round(result.questionsPerSecond).toLocaleString('en-US')} | ${result.megabytesPerSecond.toFixed(1)} |`,
      );
    }
    log('');
    log('Large generated files (one import each after a warm-up):');
    for (const [label, format, content] of [
      ['paper, 5,000 choice questions', 'paper', Buffer.from(generatedPaper(5000))],
      ['CSV, ~10 MB', 'csv', Buffer.from(generatedCsv(10 * 1024 * 1024))],
    ] as const) {
      await importBank({ filename: 'warm-up', content, format });
      const started = performance.now();
      const outcome = await importBank({ filename: 'generated', content, format });
      const elapsed = performance.now() - started;
      const count = outcome.ok ? outcome.bank.questions.length : 0;
      log(`- ${label}: ${(content.length / 1024 / 1024).toFixed(1)} MB, ${count.toLocaleString('en-US')} questions in ${elapsed.toFixed(0)} ms (${Math.round((count / elapsed) * 1000).toLocaleString('en-US')} questions/s)`);
    }
  },
};

export default bench;
