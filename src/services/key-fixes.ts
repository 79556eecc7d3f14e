import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ACCEPTABLE_TYPES, acceptAnswerInBank, blankCredit } from '../bank/accept-answer.ts';
import type { BankCatalog } from '../bank/catalog.ts';
import { findBankFileWithId, replaceBankFile } from '../bank/import/write.ts';
import { checkBankValue } from '../bank/load.ts';
import { isFreeText, type Bank, type BankInput, type Question, type QuestionType } from '../bank/schema.ts';
import { formatProblem } from '../bank/validate.ts';
import { UserError } from '../errors.ts';
import { gradeAnswer } from '../grading/grade.ts';
import { roundScore, snapFraction } from '../grading/result.ts';
import type { GradeResult } from '../grading/types.ts';
import type { AttemptStatus } from '../progress/ports.ts';
import type { NewLearnerNotice, NoticeOutbox } from './notices.ts';

/**
 * Fixing a key from real answers (issue 12 items 3–4): a teacher accepts an answer the key rejected,
 * the bank file is rewritten through the one bank writer (atomically, with a backup), validated,
 * reloaded into the running catalog and audited in `bank_changes`; then the stored attempts of that
 * question are re-graded with the new key.
 *
 * A regrade re-grades objective questions only (choice, multi, true/false, numeric, blank): their
 * grade is a pure function of key and answer, so a regrade changes exactly what the key change
 * changed. Written answers (short, essay) are refused (`regrade-free-text`): re-marking them means a
 * new LLM call per answer, which costs money, is not reproducible, and would move scores for reasons
 * that have nothing to do with the edit; a teacher re-marks one from the review queue instead, and
 * provisional scores have `tutor regrade --pending`.
 *
 * What a real regrade stores, per attempt whose score changes: the old grade in `attempt_history`
 * (reason `regrade`), the new score and grade on the attempt (the roll-up triggers move statistics and
 * the leaderboard), the learner's review card replayed from their attempts, and one `regrade` notice
 * per learner and question in the outbox. Attempts graded by a teacher are never touched. Work is done
 * a few hundred attempts at a time (whole learners per step, so each is told once), each step one
 * transaction, yielding to the event loop between steps so the bot keeps answering.
 *
 * The `regrade` notice's params: `bankId`, `bank` (title), `questionId`, `question` (the stem, at most
 * 120 characters on one line), `answer` (the learner's latest changed answer as typed, at most 120
 * characters), `before` / `after` / `maxScore` (that attempt's score before and after), `delta` (the
 * change of the learner's points over all their changed attempts, signed), `attempts` (how many changed).
 */
export interface AcceptAnswerRequest {
  bankId: string;
  questionId: string;
  /**
   * 1-based blank of a fill-in-the-blank question; omitted for other types. Omitted for a question of
   * several blanks, `answer` is a whole answer (`a | b`, as a response-analysis row shows it) and each
   * part the key gives less than `fraction` is accepted for its blank.
   */
  blank?: number;
  answer: string;
  /** Share of the points for this answer, 0 < f ≤ 1; default 1. */
  fraction?: number;
  /** Who: a Discord user id, or `cli:<user>` for the command line. */
  changedBy: string;
}

export interface AcceptAnswerResult {
  bankId: string;
  questionId: string;
  blank?: number;
  answer: string;
  fraction: number;
  /** False when the key already accepted this answer (nothing written). */
  changed: boolean;
  /** For blank questions: the blanks that took an entry. */
  blanks?: number[];
  backupFile?: string;
  /** The share of the points the answer earned before the change. */
  fractionBefore: number;
  /** The bank file changed (absent when nothing was written). */
  file?: string;
}

export interface RegradeRequest {
  bankId: string;
  questionId: string;
  dryRun: boolean;
  changedBy: string;
}

export interface RegradeChange {
  attemptId: number;
  userId: string;
  answer: string;
  before: number;
  after: number;
  maxScore: number;
}

export interface RegradeReport {
  bankId: string;
  questionId: string;
  dryRun: boolean;
  considered: number;
  changed: RegradeChange[];
  unchanged: number;
  skippedTeacherGraded: number;
  pointsDelta: number;
  noticesQueued: number;
  /** Learners whose score changed on at least one attempt (each is told once, in a real run). */
  learners: number;
  /** Stored answers the current key cannot read, or given when the question had another type: left as they were. */
  skippedUnreadable: number;
}

export interface KeyFixService {
  acceptAnswer(request: AcceptAnswerRequest): Promise<AcceptAnswerResult>;
  regrade(request: RegradeRequest): Promise<RegradeReport>;
  /**
   * Reloads the banks whose key another process changed (`tutor bank accept` while the bot runs) since
   * this app started or last looked, as recorded in `bank_changes`; returns their ids. A bank file that
   * no longer validates is left as served (and named in `problems`). The bot calls this now and then.
   */
  syncChangedBanks(): Promise<{ reloaded: string[]; problems: string[] }>;
}


export interface NewBankChange {
  bankId: string;
  questionId: string;
  kind: 'accept-answer';
  detail: Record<string, unknown>;
  changedBy: string;
  changedAt: Date;
}

export interface BankChange extends NewBankChange {
  id: number;
}

/** An attempt as a regrade needs it: the answer as typed, the stored grade, who graded it. */
export interface StoredAttempt {
  id: number;
  userId: string;
  guildId: string | null;
  bankId: string;
  questionId: string;
  questionType: QuestionType;
  rawAnswer: string;
  normalizedAnswer: string;
  score: number;
  maxScore: number;
  status: AttemptStatus;
  gradedBy: string;
  createdAt: Date;
}

/** A new grade for one attempt; the attempt's row before it goes to `attempt_history`. */
export interface AttemptRegrade {
  attemptId: number;
  grade: Extract<GradeResult, { status: 'graded' }>;
}

/** What the key-fix service stores and reads (src/storage/key-fix-repository.ts). */
export interface KeyFixStore {
  recordBankChange(change: NewBankChange): number;
  /** Every attempt at a question, per learner oldest first. */
  attemptsOfQuestion(bankId: string, questionId: string): Array<{ id: number; userId: string }>;
  /** These attempts as stored now, per learner oldest first. */
  attemptsByIds(ids: readonly number[]): StoredAttempt[];
  /** Stores new grades with the old ones in the history; skips teachers' grades; returns the ids changed. */
  applyRegrades(regrades: readonly AttemptRegrade[], changedBy: string, at: Date): number[];
  transaction<T>(work: () => T): T;
  latestBankChangeId(): number;
  banksChangedAfter(afterId: number): { bankIds: string[]; latestId: number };
}

export interface KeyFixServiceDeps {
  catalog: BankCatalog;
  /** The folder bank files are loaded from; only a bank file there can be changed. */
  banksDir: string;
  repository: KeyFixStore;
  /** Replays a learner's review card for the question from their (now regraded) attempts. */
  replayReviewCard(userId: string, bankId: string, questionId: string): unknown;
  outbox: Pick<NoticeOutbox, 'enqueue'>;
  clock?: () => Date;
  /** Attempts graded per step (whole learners, so a step may hold more); default 250. */
  chunkSize?: number;
}

const NOTICE_TEXT_LIMIT = 120;
/** Distinct answers whose grade a regrade remembers (a few MB at most). */
const MAX_REMEMBERED_GRADES = 20_000;

export function createKeyFixService(deps: KeyFixServiceDeps): KeyFixService {
  const clock = deps.clock ?? (() => new Date());
  const chunkSize = deps.chunkSize ?? 250;
  // Key edits and regrades run one at a time: two edits of one file must not read the same old text.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };

  // Banks were loaded from their files at start, after every change recorded so far.
  let seenChangeId = deps.repository.latestBankChangeId();

  /** The bank as its file holds it now (validated), or the loaded one when it has no file in the banks folder. */
  async function readBank(bankId: string): Promise<{ bank: Bank; file?: string; text?: string; value?: unknown }> {
    const loaded = deps.catalog.get(bankId);
    if (!loaded) {
      throw new UserError('unknown-bank', { bankId, banks: deps.catalog.list().map((bank) => bank.id).join(', ') || 'none', hint: '' });
    }
    const file = await findBankFileWithId(deps.banksDir, bankId);
    if (!file) return { bank: loaded };
    const text = await readFile(file, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text.replace(/^\uFEFF/u, ''));
    } catch {
      throw new UserError('invalid-bank', { file, problems: `${file}: not valid JSON` });
    }
    const checked = checkBankValue(value, file);
    if (!checked.bank) throw invalidBank(file, checked.problems);
    return { bank: checked.bank, file, text, value };
  }

  function requireQuestion(bank: Bank, questionId: string): Question {
    const question = bank.questions.find((candidate) => candidate.id === questionId);
    if (question) return question;
    const ids = bank.questions.map((candidate) => candidate.id);
    throw new UserError('unknown-question', { bankId: bank.id, questionId, questions: ids.length > 30 ? `${ids.slice(0, 30).join(', ')}, …` : ids.join(', ') });
  }

  return {
    acceptAnswer(request) {
      return serial(async () => {
        const { bank, file, text, value } = await readBank(request.bankId);
        const question = requireQuestion(bank, request.questionId);
        if (!(ACCEPTABLE_TYPES as readonly string[]).includes(question.type)) {
          throw new UserError('key-fix-type', { questionId: question.id, type: question.type, types: ACCEPTABLE_TYPES.join(', ') });
        }
        if (file === undefined || text === undefined) throw new UserError('key-fix-no-file', { bankId: bank.id, dir: deps.banksDir });
        const edit = acceptAnswerInBank(value, question, {
          questionId: question.id,
          ...(request.blank !== undefined ? { blank: request.blank } : {}),
          answer: request.answer,
          fraction: request.fraction ?? 1,
        });
        const base = {
          bankId: bank.id,
          questionId: question.id,
          ...(edit.blank !== undefined ? { blank: edit.blank } : {}),
          ...(edit.blanks !== undefined ? { blanks: edit.blanks } : {}),
          answer: String(edit.entry),
          fraction: edit.fraction,
          fractionBefore: edit.fractionBefore,
        };
        if (!edit.changed) {
          deps.catalog.put(bank);
          return { ...base, changed: false };
        }
        const checked = checkBankValue(edit.bankValue, file);
        if (!checked.bank) throw invalidBank(file, checked.problems);
        const edited = requireQuestion(checked.bank, question.id);
        const after = creditOf(edited, request.answer.trim(), edit.blank);
        if (after <= edit.fractionBefore) throw new UserError('key-fix-no-effect', { answer: request.answer.trim(), questionId: question.id });
        const written = await replaceBankFile(edit.bankValue as BankInput, file, text);
        if (!written.ok) throw new UserError('key-fix-file-changed', { file });
        deps.catalog.put(checked.bank);
        const changeId = deps.repository.recordBankChange({
          bankId: bank.id,
          questionId: question.id,
          kind: 'accept-answer',
          detail: {
            type: question.type,
            ...(edit.blank !== undefined ? { blank: edit.blank } : {}),
            ...(edit.blanks !== undefined ? { blanks: edit.blanks } : {}),
            answer: request.answer.trim(),
            entry: edit.entry,
            fraction: edit.fraction,
            fractionBefore: edit.fractionBefore,
            file: path.basename(file),
            backup: path.basename(written.backup),
          },
          changedBy: request.changedBy,
          changedAt: clock(),
        });
        // Only when nothing else changed in between: another process's change is still to be synced.
        if (changeId === seenChangeId + 1) seenChangeId = changeId;
        return { ...base, changed: true, file, backupFile: written.backup };
      });
    },

    regrade(request) {
      return serial(async () => {
        const { bank } = await readBank(request.bankId);
        const question = requireQuestion(bank, request.questionId);
        if (isFreeText(question)) throw new UserError('regrade-free-text', { questionId: question.id, type: question.type });
        // The served key becomes the one regraded with (an edited bank file goes live too); a dry run changes nothing.
        if (!request.dryRun) deps.catalog.put(bank);
        const report: RegradeReport = {
          bankId: bank.id,
          questionId: question.id,
          dryRun: request.dryRun,
          considered: 0,
          changed: [],
          unchanged: 0,
          skippedTeacherGraded: 0,
          pointsDelta: 0,
          noticesQueued: 0,
          learners: 0,
          skippedUnreadable: 0,
        };
        // Grading is a pure function of key and answer, and learners repeat answers: each distinct one is graded once per run.
        const grades = new Map<string, GradeResult>();
        const context = { bank, question, grades };
        for (const ids of chunksOfLearners(deps.repository.attemptsOfQuestion(bank.id, question.id), chunkSize)) {
          await new Promise((resolve) => setImmediate(resolve));
          const step = () => regradeStep(deps, context, ids, request, clock());
          const outcome = request.dryRun ? step() : deps.repository.transaction(step);
          report.considered += outcome.considered;
          report.unchanged += outcome.unchanged;
          report.skippedTeacherGraded += outcome.skippedTeacherGraded;
          report.skippedUnreadable += outcome.skippedUnreadable;
          report.noticesQueued += outcome.noticesQueued;
          report.learners += outcome.learners;
          for (const change of outcome.changed) {
            report.changed.push(change);
            report.pointsDelta += change.after - change.before;
          }
        }
        report.pointsDelta = roundScore(report.pointsDelta);
        return report;
      });
    },

    syncChangedBanks() {
      return serial(async () => {
        const { bankIds, latestId } = deps.repository.banksChangedAfter(seenChangeId);
        const reloaded: string[] = [];
        const problems: string[] = [];
        for (const bankId of bankIds) {
          try {
            const { bank, file } = await readBank(bankId);
            if (file) {
              deps.catalog.put(bank);
              reloaded.push(bankId);
            }
          } catch (error) {
            problems.push(error instanceof Error ? error.message : String(error));
          }
        }
        seenChangeId = latestId;
        return { reloaded, problems };
      });
    },
  };
}

interface StepOutcome {
  considered: number;
  unchanged: number;
  skippedTeacherGraded: number;
  skippedUnreadable: number;
  changed: RegradeChange[];
  learners: number;
  noticesQueued: number;
}

/** One step of a regrade: these learners' attempts graded again and, unless a dry run, stored with history, review cards and notices. */
function regradeStep(
  deps: KeyFixServiceDeps,
  { bank, question, grades }: { bank: Bank; question: Question; grades: Map<string, GradeResult> },
  ids: readonly number[],
  request: RegradeRequest,
  now: Date,
): StepOutcome {
  const outcome: StepOutcome = { considered: 0, unchanged: 0, skippedTeacherGraded: 0, skippedUnreadable: 0, changed: [], learners: 0, noticesQueued: 0 };
  // Read again inside the step's transaction: what a teacher or another regrade stored meanwhile counts.
  const attempts = deps.repository.attemptsByIds(ids).filter((attempt) => attempt.bankId === bank.id && attempt.questionId === question.id);
  const regrades: AttemptRegrade[] = [];
  const byAttempt = new Map<number, { attempt: StoredAttempt; change: RegradeChange }>();
  for (const attempt of attempts) {
    outcome.considered += 1;
    if (attempt.gradedBy === 'teacher') {
      outcome.skippedTeacherGraded += 1;
      continue;
    }
    if (attempt.questionType !== question.type) {
      outcome.skippedUnreadable += 1;
      continue;
    }
    // The answer was within the length limit when it was stored; a later, lower limit does not unread it.
    let grade = grades.get(attempt.rawAnswer);
    if (!grade) {
      grade = gradeAnswer(question, attempt.rawAnswer, { maxLength: Number.MAX_SAFE_INTEGER });
      if (grades.size < MAX_REMEMBERED_GRADES) grades.set(attempt.rawAnswer, grade);
    }
    if (grade.status !== 'graded') {
      outcome.skippedUnreadable += 1;
      continue;
    }
    if (grade.score === attempt.score && grade.maxScore === attempt.maxScore) {
      outcome.unchanged += 1;
      continue;
    }
    regrades.push({ attemptId: attempt.id, grade });
    byAttempt.set(attempt.id, {
      attempt,
      change: { attemptId: attempt.id, userId: attempt.userId, answer: attempt.rawAnswer, before: attempt.score, after: grade.score, maxScore: grade.maxScore },
    });
  }
  const appliedIds = request.dryRun ? regrades.map((regrade) => regrade.attemptId) : deps.repository.applyRegrades(regrades, request.changedBy, now);
  const applied = appliedIds.map((id) => byAttempt.get(id)).filter((entry) => entry !== undefined);
  // Attempts a teacher graded between the read and the write (only possible across processes) count as theirs.
  outcome.skippedTeacherGraded += regrades.length - applied.length;
  const perLearner = new Map<string, Array<{ attempt: StoredAttempt; change: RegradeChange }>>();
  for (const entry of applied) {
    outcome.changed.push(entry.change);
    // A change of the marks available alone (the question's points edited) is stored but told to nobody.
    if (entry.change.after === entry.change.before) continue;
    const list = perLearner.get(entry.attempt.userId) ?? [];
    list.push(entry);
    perLearner.set(entry.attempt.userId, list);
  }
  outcome.learners = perLearner.size;
  if (request.dryRun || applied.length === 0) return outcome;
  for (const userId of new Set(applied.map((entry) => entry.attempt.userId))) deps.replayReviewCard(userId, bank.id, question.id);
  const notices: NewLearnerNotice[] = [];
  for (const [userId, entries] of perLearner) {
    // Attempts come oldest first: the last is the one whose thread the learner most likely still has.
    const latest = entries[entries.length - 1]!;
    const delta = roundScore(entries.reduce((sum, entry) => sum + entry.change.after - entry.change.before, 0));
    notices.push({
      userId,
      guildId: latest.attempt.guildId,
      attemptId: latest.attempt.id,
      kind: 'regrade',
      params: {
        bankId: bank.id,
        bank: bank.title,
        questionId: question.id,
        question: oneLine(question.stem),
        answer: oneLine(latest.attempt.rawAnswer),
        before: latest.change.before,
        after: latest.change.after,
        maxScore: latest.change.maxScore,
        delta,
        attempts: entries.length,
      },
      createdAt: now,
    });
  }
  outcome.noticesQueued = notices.length > 0 ? deps.outbox.enqueue(notices).length : 0;
  return outcome;
}

/** Attempt ids in steps of about `size`; a learner's attempts are never split, so each learner gets one notice. */
function* chunksOfLearners(attempts: ReadonlyArray<{ id: number; userId: string }>, size: number): Generator<number[]> {
  let chunk: number[] = [];
  for (let index = 0; index < attempts.length; index += 1) {
    const attempt = attempts[index]!;
    chunk.push(attempt.id);
    const next = attempts[index + 1];
    if (chunk.length >= size && next?.userId !== attempt.userId) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** The share of the points `answer` earns: for one blank of a blank question, else for the whole question. */
function creditOf(question: Question, answer: string, blank: number | undefined): number {
  if (question.type === 'blank' && blank !== undefined) return blankCredit(question, blank - 1, answer);
  const grade = gradeAnswer(question, answer);
  return grade.status === 'graded' && grade.maxScore > 0 ? snapFraction(grade.score / grade.maxScore) : 0;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return flat.length > NOTICE_TEXT_LIMIT ? `${flat.slice(0, NOTICE_TEXT_LIMIT - 1)}…` : flat;
}

function invalidBank(file: string, problems: ReadonlyArray<Parameters<typeof formatProblem>[0]>): UserError {
  const lines = problems.filter((problem) => problem.severity === 'error').map(formatProblem);
  return new UserError('invalid-bank', { file, problems: lines.join('\n') });
}
