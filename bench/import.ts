import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import { importBank, type ImportFormat } from '../src/bank/import/index.ts';
import type { BenchModule } from './run.ts';

/**
 * Import time for every sample of every format, then two large generated files to show how the
 * importer scales toward the 20 MB limit. By default the samples are the repository's own: the seed
 * paper, test/fixtures/papers and test/fixtures/import. `--samples <folder>` measures a folder laid out
 * as the public sample sets are published (moodle-formats/, ceval/, cmmlu/, gaokao-bench/, cs-bench/,
 * agieval/) instead: `npm run bench -- import --samples <folder>`. Each set is imported once to warm up,
 * then repeatedly for about a second; figures are per file.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seedPaper = path.join(repoRoot, 'data/seed/ai-inference-optimization-2025.txt');
const papersDir = path.join(repoRoot, 'test/fixtures/papers');
const fixturesDir = path.join(repoRoot, 'test/fixtures/import');

/** The folder given with --samples, if any. */
function samplesFolder(argv: readonly string[]): string | undefined {
  const at = argv.indexOf('--samples');
  if (at < 0) return undefined;
  const folder = argv[at + 1];
  if (!folder || folder.startsWith('--')) throw new Error('--samples needs a folder: npm run bench -- import --samples <folder>');
  return path.resolve(folder);
}

function filesUnder(root: string, pattern: RegExp): string[] {
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

/** Where each format's samples are: the repository's fixtures, or the public sets' own layout. */
function sampleFiles(samples: string | undefined): Record<Exclude<ImportFormat, 'paper' | 'docx'>, string[]> {
  if (samples === undefined) {
    return {
      gift: filesUnder(path.join(fixturesDir, 'gift'), /\.txt$/),
      aiken: filesUnder(path.join(fixturesDir, 'aiken'), /\.txt$/),
      'moodle-xml': filesUnder(path.join(fixturesDir, 'moodle-xml'), /\.xml$/),
      csv: filesUnder(path.join(fixturesDir, 'csv'), /\.csv$/),
      'gaokao-json': filesUnder(path.join(fixturesDir, 'gaokao-json'), /\.json$/),
      'cs-bench-json': filesUnder(path.join(fixturesDir, 'cs-bench-json'), /\.json$/),
      'agieval-jsonl': filesUnder(path.join(fixturesDir, 'agieval-jsonl'), /\.jsonl$/),
    };
  }
  return {
    gift: filesUnder(path.join(samples, 'moodle-formats/question/format/gift'), /\.txt$/),
    aiken: filesUnder(path.join(samples, 'moodle-formats/question/format/aiken'), /\.txt$/),
    'moodle-xml': filesUnder(path.join(samples, 'moodle-formats/question'), /\.xml$/),
    csv: [...filesUnder(path.join(samples, 'ceval'), /\.csv$/), ...filesUnder(path.join(samples, 'cmmlu'), /\.csv$/)],
    'gaokao-json': filesUnder(path.join(samples, 'gaokao-bench/Data'), /\.json$/),
    'cs-bench-json': filesUnder(path.join(samples, 'cs-bench/Dataset'), /\.json$/),
    'agieval-jsonl': filesUnder(path.join(samples, 'agieval/data'), /\.jsonl$/),
  };
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
    const samples = samplesFolder(process.argv.slice(2));
    log(samples === undefined ? 'Samples: the repository\'s own (seed paper, test/fixtures/papers, test/fixtures/import).' : `Samples: ${samples}`);
    const papers = [seedPaper, ...filesUnder(papersDir, /\.txt$/)];
    const files = sampleFiles(samples);
    const sets: Array<[ImportFormat, Sample[]]> = [
      ['paper', read(papers)],
      ['docx', await Promise.all(papers.map(docxOf))],
      ...Object.entries(files).map(([format, list]): [ImportFormat, Sample[]] => [format as ImportFormat, read(list)]),
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
