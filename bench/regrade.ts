import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createApp, type App } from '../src/app.ts';
import { BankSchema, type BankInput } from '../src/bank/schema.ts';
import { loadConfig } from '../src/config.ts';
import { gradeAnswer } from '../src/grading/grade.ts';
import { openDatabase } from '../src/storage/database.ts';
import { SqliteProgressStore } from '../src/storage/progress-store.ts';
import type { BenchModule } from './run.ts';

/**
 * The regrade after a key fix (issue 12, "Done when"): a blank question with 10,000 stored attempts
 * (5,000 learners, two answers each, in a bank of 50,000 attempts), of which the accepted variant turns
 * 4,000 from half to full marks. Timed: the dry run, then the real run (history rows, roll-ups through
 * the trigger, review cards replayed, notices queued). Meanwhile a second learner answers a quiz question
 * every 20 ms through the same app, as the bot would for a member, and the event loop's delay is
 * sampled: "the bot keeps answering" is the answer latency and the loop delay while the regrade runs.
 * `BENCH_REGRADE_ATTEMPTS=2000 npm run bench regrade` for a quick run.
 */

const TARGET = Number(process.env.BENCH_REGRADE_ATTEMPTS ?? 10_000);
const OTHER_ATTEMPTS = TARGET * 4;
const ANSWER_EVERY_MS = 20;

const bank: BankInput = {
  id: 'bench-keys',
  title: 'Regrade bench',
  language: 'en-US',
  source: 'bench/regrade.ts',
  questions: [
    {
      id: 'q-fix',
      type: 'blank',
      points: 4,
      stem: 'Two ways to shrink a model: ______ and ______.',
      blanks: [{ accept: ['quantization', '*量化*'] }, { accept: ['pruning', '剪枝'] }],
      analysis: '…',
    },
    ...Array.from({ length: 20 }, (_, index) => ({
      id: `q-${index}`,
      type: 'choice' as const,
      points: 2,
      stem: `Filler question ${index}`,
      options: [
        { key: 'A', text: 'one' },
        { key: 'B', text: 'two' },
      ],
      answer: 'A',
      analysis: '…',
    })),
  ],
};

const FIX_ANSWERS = ['quantisation; pruning', 'Quantisation | pruning', 'quantization; pruning', 'distillation; pruning', '量化；剪枝'];

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Stored through the real store (triggers, review cards), in one transaction per 5,000 rows. */
function seed(databasePath: string): void {
  const db = openDatabase(databasePath);
  const store = new SqliteProgressStore(db);
  const questions = new Map(BankSchema.parse(bank).questions.map((question) => [question.id, question]));
  const start = Date.UTC(2026, 9, 1);
  let written = 0;
  const rows: Array<() => void> = [];
  const record = (userId: string, questionId: string, given: string, at: number) => {
    const question = questions.get(questionId)!;
    const grade = gradeAnswer(question, given);
    if (grade.status !== 'graded') throw new Error(`seed answer not graded: ${given}`);
    store.recordAttempt({
      sessionId: null,
      userId,
      guildId: 'g1',
      bankId: bank.id,
      questionId,
      questionType: question.type,
      rawAnswer: given,
      normalizedAnswer: grade.normalizedAnswer,
      score: grade.score,
      maxScore: grade.maxScore,
      gradedBy: 'rule',
      status: 'graded',
      grade,
      feedback: null,
      createdAt: new Date(at),
    });
  };
  for (let index = 0; index < TARGET; index += 1) {
    const learner = `learner-${index % (TARGET / 2)}`;
    rows.push(() => record(learner, 'q-fix', FIX_ANSWERS[index % FIX_ANSWERS.length]!, start + index * 60_000));
  }
  for (let index = 0; index < OTHER_ATTEMPTS; index += 1) {
    rows.push(() => record(`learner-${index % (TARGET / 2)}`, `q-${index % 20}`, index % 3 === 0 ? 'B' : 'A', start + index * 13_000));
  }
  const batch = db.transaction((work: Array<() => void>) => work.forEach((run) => run()));
  for (let offset = 0; offset < rows.length; offset += 5_000) {
    batch.immediate(rows.slice(offset, offset + 5_000));
    written += Math.min(5_000, rows.length - offset);
  }
  db.close();
  if (written !== TARGET + OTHER_ATTEMPTS) throw new Error('seed incomplete');
}

/** A member answering one question every 20 ms while `work` runs; returns the answers' latencies. */
async function answerMeanwhile(app: App, work: () => Promise<unknown>): Promise<{ latencies: number[]; loop: ReturnType<typeof monitorEventLoopDelay> }> {
  const latencies: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  let running = true;
  let round = 0;
  const member = (async () => {
    while (running) {
      const began = performance.now();
      const view = app.quiz.start({ userId: 'member', displayName: 'Member', guildId: 'g1', bankId: bank.id, type: 'choice', count: 1 });
      const questionId = view.current!.question.id;
      await app.quiz.submitAnswer({ sessionId: view.session.id, questionId, userId: 'member', answer: round % 2 === 0 ? 'A' : 'B' });
      latencies.push(performance.now() - began);
      round += 1;
      await new Promise((resolve) => setTimeout(resolve, ANSWER_EVERY_MS));
    }
  })();
  loop.enable();
  try {
    await work();
  } finally {
    loop.disable();
    running = false;
    await member;
  }
  return { latencies: latencies.sort((a, b) => a - b), loop };
}

const bench: BenchModule = {
  name: 'regrade',
  async run(log) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-regrade-'));
    try {
      const banksDir = path.join(dir, 'banks');
      fs.mkdirSync(banksDir);
      fs.writeFileSync(path.join(banksDir, `${bank.id}.json`), JSON.stringify(bank, null, 2));
      const databasePath = path.join(dir, 'tutor.sqlite');
      const seeded = performance.now();
      seed(databasePath);
      log(`seeded ${TARGET.toLocaleString('en-US')} attempts of q-fix (${(TARGET / 2).toLocaleString('en-US')} learners × 2) and ${OTHER_ATTEMPTS.toLocaleString('en-US')} others in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

      const app = await createApp(loadConfig({ DATABASE_PATH: databasePath, BANKS_DIR: banksDir, PROMPTS_DIR: path.resolve(import.meta.dirname, '../prompts') }), { cwd: dir });
      try {
        await app.keyFixes.acceptAnswer({ bankId: bank.id, questionId: 'q-fix', blank: 1, answer: 'quantisation', changedBy: 'bench' });

        let began = performance.now();
        const dry = await app.keyFixes.regrade({ bankId: bank.id, questionId: 'q-fix', dryRun: true, changedBy: 'bench' });
        log(`dry run: ${(performance.now() - began).toFixed(0)} ms (${dry.considered.toLocaleString('en-US')} considered, ${dry.changed.length.toLocaleString('en-US')} would change, ${dry.learners.toLocaleString('en-US')} learners, ${dry.pointsDelta} points)`);

        let realMs = 0;
        let report: Awaited<ReturnType<App['keyFixes']['regrade']>> | undefined;
        const { latencies, loop } = await answerMeanwhile(app, async () => {
          began = performance.now();
          report = await app.keyFixes.regrade({ bankId: bank.id, questionId: 'q-fix', dryRun: false, changedBy: 'bench' });
          realMs = performance.now() - began;
        });
        log(
          `regrade: ${realMs.toFixed(0)} ms (aim < 5000) for ${report!.considered.toLocaleString('en-US')} attempts: ${report!.changed.length.toLocaleString('en-US')} changed ` +
            `with history, roll-ups and review cards, ${report!.noticesQueued.toLocaleString('en-US')} notices queued`,
        );
        log(
          `meanwhile: ${latencies.length} quiz answers recorded, latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${percentile(latencies, 100).toFixed(1)} ms; ` +
            `event-loop delay p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`,
        );
      } finally {
        app.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
