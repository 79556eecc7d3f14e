import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { QuestionType } from '../src/bank/schema.ts';
import type { GradeResult } from '../src/grading/types.ts';
import type { NewAttempt } from '../src/progress/ports.ts';
import { seededRandom } from '../src/seeded-random.ts';
import { openDatabase, type Db } from '../src/storage/database.ts';
import { encodeGrade, partVerdicts, SqliteProgressStore } from '../src/storage/progress-store.ts';
import type { FreeTextFeedback } from '../src/tutor/types.ts';
import type { BenchModule } from './run.ts';

/**
 * Storage figures: attempts stored per second (one transaction each, and batched), the statistics
 * query for a user with 100,000 attempts in a database of 1,000,000, and the file size per million
 * attempts. `BENCH_STORAGE_TOTAL` shrinks the big database for a quick run (default 1,000,000).
 */

const DAY = 86_400_000;
const TOTAL = Number(process.env.BENCH_STORAGE_TOTAL ?? 1_000_000);
const HEAVY = Math.round(TOTAL / 10);
const OTHER_USERS = 900;
const BANKS = 20;
const QUESTIONS_PER_BANK = 200;
/** Banks laid out like exam papers: sections of one type, chapters (topics) of 20 consecutive questions. */
const SECTIONS: Array<[number, QuestionType]> = [
  [80, 'choice'],
  [110, 'multi'],
  [140, 'truefalse'],
  [160, 'blank'],
  [175, 'numeric'],
  [190, 'short'],
  [200, 'essay'],
];
function questionTypeAt(question: number): QuestionType {
  return SECTIONS.find(([end]) => question < end)![1];
}


function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Wall and CPU milliseconds of `work`: on a shared machine the CPU figure is the steadier one. */
function measure(work: () => void): { wall: number; cpu: number } {
  const cpuBefore = cpuMs();
  const wallBefore = performance.now();
  work();
  return { wall: performance.now() - wallBefore, cpu: cpuMs() - cpuBefore };
}

function rate(count: number, ms: number): string {
  return Math.round(count / (ms / 1000)).toLocaleString('en-US');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const VERDICTS = ['met', 'partial', 'missed'] as const;

function feedbackFor(verdicts: Array<(typeof VERDICTS)[number]>): FreeTextFeedback {
  const rubric = verdicts.map((verdict, index) => ({
    index,
    point: `Explains rubric idea number ${index + 1} with a concrete example`,
    verdict,
    evidence: verdict === 'missed' ? '' : 'a short verbatim quote from the learner answer',
    score: verdict === 'met' ? 2 : verdict === 'partial' ? 1 : 0,
    maxScore: 2,
  }));
  return {
    gradedBy: 'llm',
    status: 'graded',
    provisional: false,
    score: rubric.reduce((sum, point) => sum + point.score, 0),
    maxScore: rubric.length * 2,
    rubric,
    strengths: ['Names the main mechanism correctly.'],
    improvements: ['Give the trade-off in accuracy and say when it matters.'],
    explanation: 'The answer covers the core idea but leaves out how the method affects accuracy and cost; the reference mentions both.',
    promptVersion: 'grade-v1',
    model: 'gpt-4o-mini',
    usage: { inputTokens: 850, outputTokens: 220 },
    latencyMs: 1800,
  };
}

type AnswerFields = Omit<NewAttempt, 'sessionId' | 'userId' | 'guildId' | 'bankId' | 'questionId' | 'questionType' | 'topic' | 'createdAt'>;

/**
 * The answer part of an attempt: for objective types variant 0 is wrong and 1 right; for free text the
 * variant (0–26) spells the three rubric verdicts in base 3. Built once per type and variant and
 * shared, so generating rows costs far less than storing them.
 */
const answerCache = new Map<string, { fields: AnswerFields; json: { grade: string; feedback: string | null; parts: string } }>();
function answerFor(questionType: QuestionType, variant: number) {
  const key = `${questionType}|${variant}`;
  const hit = answerCache.get(key);
  if (hit) return hit;
  let fields: AnswerFields;
  if (questionType === 'short' || questionType === 'essay') {
    const verdicts = [0, 1, 2].map((digit) => VERDICTS[Math.floor(variant / 3 ** digit) % 3]!);
    const feedback = feedbackFor(verdicts);
    const answer = 'Pruning removes weights with small magnitude so the network gets sparse and faster, then it is fine-tuned again.';
    fields = {
      rawAnswer: answer,
      normalizedAnswer: answer.toLowerCase(),
      score: feedback.score,
      maxScore: feedback.maxScore,
      gradedBy: 'llm',
      status: 'graded',
      grade: { status: 'needs-feedback', questionType, score: 0, maxScore: feedback.maxScore, normalizedAnswer: answer.toLowerCase() },
      feedback,
      promptVersion: 'grade-v1',
      model: 'gpt-4o-mini',
      inputTokens: 850,
      outputTokens: 220,
      latencyMs: 1800,
    };
  } else {
    const correct = variant === 1;
    const score = correct ? 3 : 0;
    const grade: GradeResult = {
      status: 'graded',
      questionType,
      score,
      maxScore: 3,
      correct,
      parts: [{ part: correct ? 'C' : 'B', verdict: correct ? 'correct' : 'wrong', given: correct ? 'C' : 'B', expected: 'C', score, maxScore: 3 }],
      normalizedAnswer: correct ? 'C' : 'B',
      expected: 'C',
    };
    fields = { rawAnswer: correct ? 'c' : 'b', normalizedAnswer: grade.normalizedAnswer, score, maxScore: 3, gradedBy: 'rule', status: 'graded', grade, feedback: null };
  }
  const entry = {
    fields,
    json: {
      grade: encodeGrade(fields.grade, { ...fields, questionType }),
      feedback: fields.feedback ? JSON.stringify(fields.feedback) : null,
      parts: JSON.stringify(partVerdicts(fields.grade, fields.feedback)),
    },
  };
  answerCache.set(key, entry);
  return entry;
}

const BANK_IDS = Array.from({ length: BANKS }, (_, index) => `bank-${index}`);
const QUESTION_IDS = Array.from({ length: QUESTIONS_PER_BANK }, (_, index) => `q${index}`);
const QUESTION_TYPES = QUESTION_IDS.map((_, index) => questionTypeAt(index));
const TOPICS = QUESTION_IDS.map((_, index) => `Chapter ${Math.floor(index / 20) + 1}`);

interface PickedAttempt {
  bankId: string;
  questionId: string;
  questionType: QuestionType;
  topic: string;
  answer: ReturnType<typeof answerFor>;
}

/** A random question (of `bank` if given) and answer: 70% of objective answers right, free-text verdicts uniform. */
function pickAttempt(rand: () => number, bank = Math.floor(rand() * BANKS)): PickedAttempt {
  const question = Math.floor(rand() * QUESTIONS_PER_BANK);
  const questionType = QUESTION_TYPES[question]!;
  const variant = questionType === 'short' || questionType === 'essay' ? Math.floor(rand() * 27) : rand() < 0.7 ? 1 : 0;
  return {
    bankId: BANK_IDS[bank]!,
    questionId: QUESTION_IDS[question]!,
    questionType,
    topic: TOPICS[question]!,
    answer: answerFor(questionType, variant),
  };
}

/** One learner's answer shaped like what the quiz flow stores. */
export function makeAttempt(rand: () => number, userId: string, guildId: string | null, createdAt: Date): NewAttempt {
  const picked = pickAttempt(rand);
  return {
    sessionId: null,
    userId,
    guildId,
    bankId: picked.bankId,
    questionId: picked.questionId,
    questionType: picked.questionType,
    topic: picked.topic,
    createdAt,
    ...picked.answer.fields,
  };
}

function measureWrites(dir: string, log: (line: string) => void): void {
  const db = openDatabase(path.join(dir, 'writes.sqlite'));
  const store = new SqliteProgressStore(db);
  const rand = seededRandom(7);
  const start = Date.UTC(2026, 0, 1);
  const make = (index: number) => makeAttempt(rand, `writer-${index % 50}`, 'guild-1', new Date(start + index * 30_000));
  for (let index = 0; index < 500; index += 1) store.recordAttempt(make(index)); // warm-up

  const single = 5000;
  const one = measure(() => {
    for (let index = 0; index < single; index += 1) store.recordAttempt(make(500 + index));
  });
  log(
    `recordAttempt, one transaction per attempt (attempt + FSRS card + roll-ups): ${rate(single, one.wall)} attempts/s wall, ` +
      `${rate(single, one.cpu)} attempts/s of CPU (${single} attempts)`,
  );

  const batches = 40;
  const batchSize = 500;
  const writeBatch = db.transaction((offset: number) => {
    for (let index = 0; index < batchSize; index += 1) store.recordAttempt(make(offset + index));
  });
  const batched = measure(() => {
    for (let batch = 0; batch < batches; batch += 1) writeBatch.immediate(10_000 + batch * batchSize);
  });
  log(
    `recordAttempt, ${batchSize} per transaction: ${rate(batches * batchSize, batched.wall)} attempts/s wall, ` +
      `${rate(batches * batchSize, batched.cpu)} attempts/s of CPU (${batches * batchSize} attempts)`,
  );

  // Pages written per commit do not depend on the machine's load: each is one WAL frame (two writes).
  const walFile = path.join(dir, 'writes.sqlite-wal');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
  const counted = 1000;
  for (let index = 0; index < counted; index += 1) store.recordAttempt(make(40_000 + index));
  const frames = (fs.statSync(walFile).size - 32) / (pageSize + 24);
  db.pragma('wal_autocheckpoint = 1000');
  log(`recordAttempt writes ${(frames / counted).toFixed(1)} pages (WAL frames) per one-attempt transaction (${counted} attempts)`);
  db.close();
}

/**
 * The big file: one heavy learner with TOTAL/10 attempts over two years in quiz sessions of 20–80
 * answers 20–40 s apart (one bank and one guild per session, on random days and hours), and 900
 * others sharing the rest over one year. Rows go through the same INSERT
 * (and so the same roll-up triggers) as recordAttempt, in large transactions; one review card per
 * user and question.
 */
export function buildLargeDatabase(db: Db, log: (line: string) => void): void {
  const insert = db.prepare(`
    INSERT INTO attempts (session_id, user_id, guild_id, bank_id, question_id, question_type, topic, raw_answer,
      normalized_answer, score, max_score, status, graded_by, part_verdicts, grade, feedback, prompt_version, model,
      input_tokens, output_tokens, latency_ms, created_at)
    VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertUser = db.prepare('INSERT OR IGNORE INTO users (id, display_name, locale, created_at, updated_at) VALUES (?, ?, NULL, 0, 0)');
  const write = (userId: string, guildId: string | null, bank: number, at: number, rand: () => number) => {
    const { bankId, questionId, questionType, topic, answer } = pickAttempt(rand, bank);
    const fields = answer.fields;
    insert.run(
      userId, guildId, bankId, questionId, questionType, topic, fields.rawAnswer, fields.normalizedAnswer, fields.score,
      fields.maxScore, fields.status, fields.gradedBy, answer.json.parts, answer.json.grade, answer.json.feedback,
      fields.promptVersion ?? null, fields.model ?? null, fields.inputTokens ?? null, fields.outputTokens ?? null,
      fields.latencyMs ?? null, at,
    );
  };

  const end = Date.UTC(2026, 10, 1);
  const writeSessions = (userId: string, count: number, days: number, rand: () => number, guilds: string[]) => {
    let written = 0;
    while (written < count) {
      const dayIndex = Math.floor(rand() * days);
      let at = end - (days - dayIndex) * DAY + Math.floor(rand() * 16) * 3_600_000 + 6 * 3_600_000;
      const guild = guilds[Math.floor(rand() * guilds.length)] ?? null;
      // A /quiz session serves one bank.
      const bank = Math.floor(rand() * BANKS);
      const size = Math.min(count - written, 20 + Math.floor(rand() * 60));
      for (let index = 0; index < size; index += 1) {
        write(userId, guild, bank, at, rand);
        at += 20_000 + Math.floor(rand() * 20_000);
      }
      written += size;
    }
  };

  const cpuBefore = cpuMs();
  const began = performance.now();
  const rand = seededRandom(42);
  const chunk = db.transaction((work: () => void) => work());
  chunk(() => insertUser.run('heavy', 'Heavy learner'));
  const heavyPerChunk = 50_000;
  for (let done = 0; done < HEAVY; done += heavyPerChunk) {
    chunk(() => writeSessions('heavy', Math.min(heavyPerChunk, HEAVY - done), 730, rand, ['guild-1', 'guild-2']));
  }
  const perOther = Math.floor((TOTAL - HEAVY) / OTHER_USERS);
  const usersPerChunk = 50;
  for (let first = 0; first < OTHER_USERS; first += usersPerChunk) {
    chunk(() => {
      for (let user = first; user < Math.min(OTHER_USERS, first + usersPerChunk); user += 1) {
        insertUser.run(`user-${user}`, `Learner ${user}`);
        const extra = user === OTHER_USERS - 1 ? TOTAL - HEAVY - perOther * OTHER_USERS : 0;
        writeSessions(`user-${user}`, perOther + extra, 365, rand, [`guild-${1 + (user % 5)}`]);
      }
    });
  }
  chunk(() =>
    db.exec(`
      INSERT INTO review_cards (user_id, bank_id, question_id, due, stability, difficulty, elapsed_days, scheduled_days,
        learning_steps, reps, lapses, state, last_review)
      SELECT user_id, bank_id, question_id, max(last_at) + (abs(random()) % 30) * ${DAY}, 5.0, 5.0, 0, 3, 0, sum(attempts), 0, 2, max(last_at)
      FROM stats_questions GROUP BY user_id, bank_id, question_id`),
  );
  const seconds = (performance.now() - began) / 1000;
  const cpuSeconds = (cpuMs() - cpuBefore) / 1000;
  const count = db.prepare('SELECT count(*) FROM attempts').pluck().get() as number;
  log(
    `built ${count.toLocaleString('en-US')} attempts (${HEAVY.toLocaleString('en-US')} for one user) in ${seconds.toFixed(1)} s ` +
      `(${cpuSeconds.toFixed(1)} s CPU): ${Math.round(count / seconds).toLocaleString('en-US')} rows/s in 50,000-row transactions, roll-up triggers included`,
  );
}

function measureStats(db: Db, log: (line: string) => void): void {
  const store = new SqliteProgressStore(db);
  const now = new Date(Date.UTC(2026, 10, 1, 12));
  const heavyAttempts = store.statsForUser('heavy', { now }).attempts;
  const rollups = db
    .prepare(
      `SELECT (SELECT count(*) FROM stats_groups WHERE user_id = 'heavy') AS groups,
              (SELECT count(*) FROM stats_questions WHERE user_id = 'heavy') AS questions,
              (SELECT count(*) FROM stats_slots WHERE user_id = 'heavy') AS slots`,
    )
    .get() as { groups: number; questions: number; slots: number };
  log(
    `heavy user: ${heavyAttempts.toLocaleString('en-US')} attempts, summarised in ${rollups.groups.toLocaleString('en-US')} bank/topic/type, ` +
      `${rollups.questions.toLocaleString('en-US')} per-question and ${rollups.slots.toLocaleString('en-US')} 15-minute roll-up rows`,
  );

  const cases: Array<[string, string, Parameters<SqliteProgressStore['statsForUser']>[1]]> = [
    ['statsForUser(heavy), UTC', 'heavy', { now, timeZone: 'UTC' }],
    ['statsForUser(heavy), America/New_York (DST)', 'heavy', { now, timeZone: 'America/New_York' }],
    ['statsForUser(heavy), Asia/Shanghai, one guild', 'heavy', { now, timeZone: 'Asia/Shanghai', guildId: 'guild-1' }],
    ['statsForUser(user with ~1,000 attempts), UTC', 'user-17', { now, timeZone: 'UTC' }],
  ];
  for (const [label, userId, filter] of cases) {
    for (let index = 0; index < 3; index += 1) store.statsForUser(userId, filter);
    const runs = Array.from({ length: 50 }, () => measure(() => store.statsForUser(userId, filter)));
    const wall = runs.map((run) => run.wall).sort((a, b) => a - b);
    const cpu = runs.map((run) => run.cpu).sort((a, b) => a - b);
    log(
      `${label}: p50 ${percentile(wall, 50).toFixed(2)} ms, p95 ${percentile(wall, 95).toFixed(2)} ms wall; ` +
        `CPU p50 ${percentile(cpu, 50).toFixed(2)} ms, p95 ${percentile(cpu, 95).toFixed(2)} ms (50 runs)`,
    );
  }
  const leaderboardTimes: number[] = [];
  for (let index = 0; index < 20; index += 1) {
    const began = performance.now();
    store.leaderboard('guild-1', index % 2 ? 'all' : 'week', now);
    leaderboardTimes.push(performance.now() - began);
  }
  leaderboardTimes.sort((a, b) => a - b);
  log(`leaderboard(guild-1, week/all): p50 ${percentile(leaderboardTimes, 50).toFixed(1)} ms, p95 ${percentile(leaderboardTimes, 95).toFixed(1)} ms (20 runs)`);
}

function reportSize(db: Db, file: string, log: (line: string) => void): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const attempts = db.prepare('SELECT count(*) FROM attempts').pluck().get() as number;
  const bytes = fs.statSync(file).size;
  const perMillion = (bytes / attempts) * 1_000_000;
  log(`database file: ${(bytes / 1024 / 1024).toFixed(0)} MiB for ${attempts.toLocaleString('en-US')} attempts = ${(perMillion / 1024 / 1024).toFixed(0)} MiB per million attempts (${Math.round(bytes / attempts)} bytes each, indexes and roll-ups included)`);
  try {
    const rows = db
      .prepare(`SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 8`)
      .all() as Array<{ name: string; bytes: number }>;
    log(`  largest parts: ${rows.map((row) => `${row.name} ${(row.bytes / 1024 / 1024).toFixed(0)} MiB`).join(', ')}`);
  } catch {
    // dbstat is optional in SQLite builds; the total above is what matters.
  }
}

const bench: BenchModule = {
  name: 'storage',
  async run(log) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'study-tutor-bench-'));
    log(`${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)} at start; database files in ${os.tmpdir()}`);
    try {
      measureWrites(dir, log);
      const file = path.join(dir, 'large.sqlite');
      const db = openDatabase(file);
      try {
        buildLargeDatabase(db, log);
        reportSize(db, file, log);
        measureStats(db, log);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
