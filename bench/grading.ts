import { performance } from 'node:perf_hooks';
import { QuestionSchema, type Question } from '../src/bank/schema.ts';
import { gradeAnswer } from '../src/grading/grade.ts';
import type { RawAnswer } from '../src/grading/types.ts';
import { absoluteNumeric as numeric, chineseTrueFalse as trueFalse, examMulti, fractionMulti, tpuChoice as choice } from '../test/grading/fixtures.ts';
import type { BenchModule } from './run.ts';

/**
 * Deterministic grading throughput on one core: a realistic mix of questions and of the ways learners
 * type answers (choice variants, multi, Chinese blanks, true/false, numbers, invalid answers), graded
 * round-robin for about two seconds after a warm-up.
 */

const q = (input: unknown): Question => QuestionSchema.parse(input);

// The choice, multi, true/false and numeric questions are the grading tests' fixtures (plain data, no
// vitest). The blank question stays here: it carries the longer accept lists of a real bank.
const blanks = q({
  id: 'blank-3',
  type: 'blank',
  stem: '常见的剪枝方法包括______和______，衡量推理速度的指标之一是______。',
  points: 6,
  analysis: '…',
  blanks: [
    { accept: ['权重剪枝', '非结构化剪枝', '细粒度剪枝', 'weight pruning', 'unstructured pruning'] },
    { accept: ['结构化剪枝', '通道剪枝', '*滤波器剪枝', 'structured pruning', 'channel pruning'] },
    { accept: ['延迟', '时延', '推理延迟', 'latency'] },
  ],
  unordered: [[0, 1]],
});

const mix: Array<[Question, RawAnswer]> = [
  [choice, 'C'],
  [choice, 'ｃ'],
  [choice, '（C）'],
  [choice, '答案是 C'],
  [choice, 'C. TPU'],
  [choice, '张量处理器（TPU）'],
  [choice, 'B'],
  [choice, 'E'],
  [examMulti, 'ABD'],
  [examMulti, 'A、B、D'],
  [examMulti, 'a d b'],
  [examMulti, 'AB'],
  [fractionMulti, 'A,B,C'],
  [blanks, '权重剪枝；结构化剪枝；延迟'],
  [blanks, '通道剪枝|Weight Pruning|时延。'],
  [blanks, ['“结构化剪枝”', '量化', 'latency']],
  [blanks, '权重剪枝'],
  [trueFalse, '对'],
  [trueFalse, '×'],
  [trueFalse, 'False'],
  [numeric, '40'],
  [numeric, '４０ images/s'],
  [numeric, '3.95e1'],
  [numeric, '1,200'],
];

function gradeRounds(rounds: number): number {
  let checksum = 0;
  for (let round = 0; round < rounds; round += 1) {
    for (const [question, answer] of mix) checksum += gradeAnswer(question, answer).score;
  }
  return checksum;
}

const bench: BenchModule = {
  name: 'grading',
  async run(log) {
    gradeRounds(2_000);
    const durationMs = 2_000;
    let graded = 0;
    let checksum = 0;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    let elapsed = 0;
    while (elapsed < durationMs) {
      checksum += gradeRounds(200);
      graded += 200 * mix.length;
      elapsed = performance.now() - started;
    }
    const cpu = process.cpuUsage(cpuStarted);
    // CPU time is what one core spent grading; wall time also counts time the OS gave to other processes.
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const rate = (ms: number) => Math.round((graded / ms) * 1000).toLocaleString('en-US');
    log(`answers in the mix: ${mix.length} (choice variants, multi exam and fraction, Chinese blanks, true/false, numeric, invalid)`);
    log(`graded ${graded.toLocaleString('en-US')} answers in ${(elapsed / 1000).toFixed(2)} s wall, ${(cpuMs / 1000).toFixed(2)} s CPU (checksum ${checksum.toFixed(2)})`);
    log(`throughput on one core: ${rate(cpuMs)} graded answers per CPU second (target > 100,000)`);
    log(`throughput by wall clock: ${rate(elapsed)} per second (lower when other processes share the core)`);
    log(`mean CPU time per answer: ${((cpuMs * 1000) / graded).toFixed(2)} µs`);
  },
};

export default bench;
