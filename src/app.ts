import fs from 'node:fs';
import path from 'node:path';
import { BankCatalog } from './bank/catalog.ts';
import { importBankInWorker } from './bank/import/isolated.ts';
import { loadBankDirectory } from './bank/load.ts';
import type { Config } from './config.ts';
import { createExamService } from './exam/exam-service.ts';
import { computeExamStats } from './exam/stats.ts';
import type { ExamService } from './exam/types.ts';
import { UserError } from './errors.ts';
import { createSilentLogger, type Logger } from './logger.ts';
import { createQuizService } from './quiz/quiz-service.ts';
import type { QuizService } from './quiz/types.ts';
import { createBankService, type BankService } from './services/banks.ts';
import { createClassReportService, type ClassReportService } from './services/class-reports.ts';
import { createGradingService, type GradingService } from './services/grading.ts';
import { createKeyFixService, type KeyFixService } from './services/key-fixes.ts';
import { createMaintenanceService, type MaintenanceService } from './services/maintenance.ts';
import { createNoticeService, type NoticeService } from './services/notices.ts';
import { createAppealService, type AppealService } from './services/appeals.ts';
import { createReviewQueueService, type ReviewQueueService } from './services/review-queue.ts';
import { SqliteReviewQueueRepository } from './storage/review-queue-repository.ts';
import { createStatisticsService, type StatisticsService } from './services/statistics.ts';
import { createUsageService, type UsageService } from './services/usage.ts';
import { backupDatabase } from './storage/backup.ts';
import { ClassReportRepository } from './storage/class-report-repository.ts';
import { KeyFixRepository } from './storage/key-fix-repository.ts';
import { SqliteNoticeOutbox } from './storage/notice-repository.ts';
import { SqliteExamRepository } from './storage/exam-repository.ts';
import { openDatabase, type Db } from './storage/database.ts';
import { SqliteProgressStore } from './storage/progress-store.ts';
import { SqliteUsageRepository } from './storage/usage-repository.ts';
import { loadPrompts } from './tutor/prompts.ts';
import { createTutor } from './tutor/tutor.ts';
import type { Tutor } from './tutor/types.ts';

/**
 * The composition root shared by the bot and the `tutor` command line: storage is opened and every
 * service built here, once. Front ends get services only; the database and the store stay inside.
 */

/** The services over stored records alone: enough for `tutor stats`, `tutor usage` and `tutor db`. */
export interface RecordsApp {
  config: Config;
  logger: Logger;
  stats: StatisticsService;
  usage: UsageService;
  maintenance: MaintenanceService;
  /** The teacher's views: class report, item statistics, CSV export. */
  classReports: ClassReportService;
  /** Messages owed to learners about their grades (regrades, teachers' grades, appeals), for a front end to deliver. */
  notices: NoticeService;
  // --- h12-queue-appeals ---
  /** Learners contest a grade; the appeal joins the review queue. */
  appeals: AppealService;
  close(): void;
}

/** Everything the bot and the learner-facing commands run on. */
export interface App extends RecordsApp {
  banks: BankService;
  quiz: QuizService;
  grading: GradingService;
  /** The tutor the other services use; every LLM call it makes is recorded in usage. */
  tutor: Tutor;
  // --- h12-keyfix ---
  /** Accept an answer into a question's key (bank file + running catalog) and regrade its stored attempts. */
  keyFixes: KeyFixService;
  // --- h12-queue-appeals ---
  /** Attempts awaiting a person (flagged, needs-review, provisional, appealed) and the teacher's grade. */
  reviewQueue: ReviewQueueService;
  // --- h13-exam-core ---
  /** Exam mode (issue 13): papers sat under a time limit, graded at submission. */
  exams: ExamService;
}

export interface CreateAppOptions {
  logger?: Logger;
  /** Folder relative paths in the config are resolved against; default the process's cwd. */
  cwd?: string;
  clock?: () => Date;
  random?: () => number;
  /**
   * For commands that read or change stored records: a missing database file is an error, not a reason
   * to create an empty one (it usually means a wrong DATABASE_PATH or folder).
   */
  existingDatabase?: boolean;
  /** False skips the tutor's per-user and per-guild budgets: the operator's runs (grade, regrade, eval). */
  enforceBudgets?: boolean;
  /**
   * Load the prompts when the tutor is first asked, not at start: `tutor grade` on an objective answer
   * never needs them, and should work from any folder. The bot loads them at start, to fail early.
   */
  promptsOnFirstUse?: boolean;
  /** A database the caller opened (with `openDatabase`) instead of the configured file; the app closes it. */
  database?: Db;
}

interface Storage {
  db: Db;
  store: SqliteProgressStore;
  usage: SqliteUsageRepository;
  exams: SqliteExamRepository;
}

function openStorage(config: Config, options: CreateAppOptions): Storage {
  const filePath = path.resolve(options.cwd ?? process.cwd(), config.DATABASE_PATH);
  if (options.database) return storageOn(options.database, config, options);
  if (options.existingDatabase && !fs.existsSync(filePath)) {
    throw new UserError('database-missing', { path: filePath, hint: 'check DATABASE_PATH (and the folder you run tutor from).' });
  }
  return storageOn(openDatabase(filePath), config, options);
}

function storageOn(db: Db, config: Config, options: CreateAppOptions): Storage {
  try {
    const store = new SqliteProgressStore(db, { ...(options.clock ? { clock: options.clock } : {}), timeZone: config.TIME_ZONE });
    return { db, store, usage: new SqliteUsageRepository(db), exams: new SqliteExamRepository(db, store) };
  } catch (error) {
    db.close();
    throw error;
  }
}

function recordsServices(config: Config, logger: Logger, { db, store, usage, exams }: Storage, clock?: () => Date): RecordsApp {
  return {
    config,
    logger,
    stats: createStatisticsService({ store, timeZone: config.TIME_ZONE, exams: (userId) => computeExamStats(exams, userId) }),
    usage: createUsageService(usage),
    maintenance: createMaintenanceService({ store, backup: (destination) => backupDatabase(db, destination), databasePath: db.name }),
    classReports: createClassReportService({
      source: new ClassReportRepository(db, { ...(clock ? { clock } : {}), timeZone: config.TIME_ZONE }),
      timeZone: config.TIME_ZONE,
    }),
    notices: createNoticeService(new SqliteNoticeOutbox(db), clock),
    appeals: createAppealService(new SqliteReviewQueueRepository(db), clock),
    close: () => {
      if (db.open) db.close();
    },
  };
}

/** Opens the database and builds the services over stored records; no banks, prompts or LLM. */
export function createRecordsApp(config: Config, options: CreateAppOptions = {}): RecordsApp {
  return recordsServices(config, options.logger ?? createSilentLogger(), openStorage(config, options), options.clock);
}

/** An object built when one of its members is first used (every member, so the type can grow freely). */
function builtOnFirstUse<T extends object>(build: () => T): T {
  let built: T | undefined;
  return new Proxy({} as T, {
    get(_target, key) {
      built ??= build();
      const value: unknown = Reflect.get(built, key);
      return typeof value === 'function' ? value.bind(built) : value;
    },
  });
}

export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const logger = options.logger ?? createSilentLogger();
  const cwd = options.cwd ?? process.cwd();
  const clock = options.clock ?? (() => new Date());
  const banksDir = path.resolve(cwd, config.BANKS_DIR);

  // Prompts and banks are checked before the database opens, so a broken install fails without side effects.
  const promptsDir = path.resolve(cwd, config.PROMPTS_DIR);
  const prompts = options.promptsOnFirstUse ? undefined : loadPrompts(promptsDir);
  const loaded = await loadBankDirectory(banksDir);
  for (const problem of loaded.problems) {
    logger[problem.severity === 'error' ? 'error' : 'warn']({ problem }, 'bank problem');
  }
  const catalog = new BankCatalog(loaded.banks);

  const storage = openStorage(config, { ...options, clock });
  const { store } = storage;
  try {
    const buildTutor = (): Tutor =>
      createTutor({
        config,
        prompts: prompts ?? loadPrompts(promptsDir),
        usage: storage.usage,
        findCachedFeedback: (bankId, questionId, normalizedAnswer) => store.findCachedFeedback(bankId, questionId, normalizedAnswer),
        clock,
        logger: logger.child({ component: 'tutor' }),
        ...(options.enforceBudgets === false ? { enforceBudgets: false } : {}),
      });
    const tutor = prompts ? buildTutor() : builtOnFirstUse(buildTutor);
    const quiz = createQuizService({
      catalog,
      store,
      tutor,
      defaultCount: config.DEFAULT_QUIZ_COUNT,
      maxAnswerLength: config.ANSWER_MAX_LENGTH,
      clock,
      ...(options.random ? { random: options.random } : {}),
    });
    const banks = createBankService({
      catalog,
      problems: loaded.problems,
      banksDir,
      importBank: (request) => importBankInWorker(request),
    });
    const grading = createGradingService({ catalog, store, tutor, maxAnswerLength: config.ANSWER_MAX_LENGTH });
    // --- h12-keyfix ---
    const keyFixes = createKeyFixService({
      catalog,
      banksDir,
      repository: new KeyFixRepository(storage.db),
      replayReviewCard: (userId, bankId, questionId) => store.replayReviewCard(userId, bankId, questionId),
      outbox: new SqliteNoticeOutbox(storage.db),
      clock,
    });
    const reviewQueue = createReviewQueueService({
      store: new SqliteReviewQueueRepository(storage.db, { replayReviewCard: (userId, bankId, questionId) => store.replayReviewCard(userId, bankId, questionId) }),
      catalog,
      clock,
    });
    const exams = createExamService({
      catalog,
      store,
      exams: storage.exams,
      tutor,
      maxAnswerLength: config.ANSWER_MAX_LENGTH,
      clock,
      logger: logger.child({ component: 'exams' }),
      ...(options.random ? { random: options.random } : {}),
    });
    logger.info({ banks: catalog.list().map((bank) => bank.id), llm: config.llmEnabled }, 'app ready');
    return { ...recordsServices(config, logger, storage, clock), banks, quiz, grading, tutor, keyFixes, reviewQueue, exams };
  } catch (error) {
    storage.db.close();
    throw error;
  }
}
