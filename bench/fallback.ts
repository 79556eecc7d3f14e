import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BankSchema, type FreeTextQuestion } from '../src/bank/schema.ts';
import { DEFAULT_ANSWER_MAX_LENGTH } from '../src/grading/grade.ts';
import { gradeByRubricCoverage } from '../src/tutor/fallback-grader.ts';
import type { BenchModule } from './run.ts';

/**
 * The deterministic fallback grader, which also cross-checks every LLM grade: the cost of its first
 * English grading (WordNet's index files are read then, once per process), and its time per answer on
 * English and Chinese questions, from a short answer to one of the longest a learner may send
 * (ANSWER_MAX_LENGTH characters of varied words, each looked up in WordNet once). Run it alone
 * (`npm run bench -- fallback`) so the first English grading of the process is the one measured.
 */

const freeText = (file: string) =>
  BankSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).questions.filter((question): question is FreeTextQuestion => question.type === 'short' || question.type === 'essay');
const fixture = freeText(path.resolve(import.meta.dirname, '../test/tutor/fixtures/trust-bank.json'));
const seed = freeText(path.resolve(import.meta.dirname, '../data/banks/ai-inference-optimization-2025.json'));
const tcpUdp = fixture.find((question) => question.id === 'tcp-udp')!;
const pruneQuant = fixture.find((question) => question.id === 'prune-quant')!;
const essay = seed.find((question) => question.type === 'essay')!;

/** Words no question holds, so the long answer costs a WordNet look-up per distinct word. */
function longEnglishAnswer(): string {
  const words = 'packet stream window socket buffer latency jitter codec frame router switch bandwidth congestion handshake timeout checksum sequence port header payload'.split(' ');
  const sentences: string[] = [];
  for (let index = 0; sentences.join(' ').length < DEFAULT_ANSWER_MAX_LENGTH - 120; index += 1) {
    sentences.push(`TCP ${words[index % words.length]} ${words[(index * 7) % words.length]} keeps ${words[(index * 3) % words.length]}s ordered and reliable while UDP drops late ${words[(index * 11) % words.length]}s.`);
  }
  return sentences.join(' ').slice(0, DEFAULT_ANSWER_MAX_LENGTH);
}

const cases: Array<[string, FreeTextQuestion, string]> = [
  ['English, short', tcpUdp, 'TCP is reliable: it retransmits lost segments in order. UDP is connectionless, and a late packet is dropped, which suits a video call.'],
  ['English, longest', tcpUdp, longEnglishAnswer()],
  ['Chinese, short', pruneQuant, '剪枝移除不重要的权重和通道，减少参数量；量化把FP32变成INT8，降低精度，需要校准。'],
  ['Chinese, longest', essay, essay.reference.repeat(Math.ceil(DEFAULT_ANSWER_MAX_LENGTH / essay.reference.length)).slice(0, DEFAULT_ANSWER_MAX_LENGTH)],
];

const grade = (question: FreeTextQuestion, answer: string) => gradeByRubricCoverage(question, answer, { language: 'en', note: 'bench' }).score;

const bench: BenchModule = {
  name: 'fallback',
  async run(log) {
    const heapBefore = process.memoryUsage();
    const firstStarted = performance.now();
    grade(tcpUdp, cases[0]![2]);
    const firstMs = performance.now() - firstStarted;
    const heapAfter = process.memoryUsage();
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    log(`first English grading of the process (reads WordNet's index files): ${firstMs.toFixed(0)} ms; heap +${mb(heapAfter.heapUsed - heapBefore.heapUsed)} MB, external +${mb(heapAfter.external - heapBefore.external)} MB, RSS +${mb(heapAfter.rss - heapBefore.rss)} MB`);
    for (const [name, question, answer] of cases) {
      const firstCallStarted = performance.now();
      grade(question, answer);
      const firstCallMs = performance.now() - firstCallStarted;
      const times: number[] = [];
      const started = performance.now();
      while (performance.now() - started < 1_000 && times.length < 2_000) {
        const one = performance.now();
        grade(question, answer);
        times.push(performance.now() - one);
      }
      times.sort((a, b) => a - b);
      const at = (share: number) => times[Math.min(times.length - 1, Math.floor(share * times.length))]!.toFixed(2);
      log(`${name} (${answer.length} characters): first grading ${firstCallMs.toFixed(1)} ms; the same answer again (segmentation cached) p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms over ${times.length} gradings`);
    }
  },
};

export default bench;
