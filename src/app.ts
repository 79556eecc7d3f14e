import path from 'node:path';
import { BankCatalog } from './bank/catalog.ts';
import { loadBankDirectory } from './bank/load.ts';
import type { BankProblem } from './bank/validate.ts';
import type { Config } from './config.ts';
import { createSilentLogger, type Logger } from './logger.ts';
import type { ProgressStore } from './progress/ports.ts';
import { createQuizService } from './quiz/quiz-service.ts';
import type { QuizService } from './quiz/types.ts';
import { openDatabase, type Db } from './storage/database.ts';
import { SqliteProgressStore } from './storage/progress-store.ts';
import { SqliteUsageRepository } from './storage/usage-repository.ts';
import { loadPrompts } from './tutor/prompts.ts';
import { createTutor } from './tutor/tutor.ts';
import type { Tutor } from './tutor/types.ts';

/** Everything the bot and the `tutor` command line run on, built once here and passed down. */
export interface App {
  config: Config;
  logger: Logger;
  /** Absolute folder the banks were loaded from; `/bank import` writes new banks there. */
  banksDir: string;
  catalog: BankCatalog;
  /** Problems found while loading banks (a bank with errors is skipped, the others load). */
  bankProblems: BankProblem[];
  db: Db;
  store: ProgressStore;
  tutor: Tutor;
  quiz: QuizService;
  close(): void;
}

export interface CreateAppOptions {
  logger?: Logger;
  /** Folder relative paths in the config are resolved against; default the process's cwd. */
  cwd?: string;
  clock?: () => Date;
  random?: () => number;
}

export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const logger = options.logger ?? createSilentLogger();
  const cwd = options.cwd ?? process.cwd();
  const clock = options.clock ?? (() => new Date());
  const banksDir = path.resolve(cwd, config.BANKS_DIR);

  // Prompts and banks are checked before the database opens, so a broken install fails without side effects.
  const prompts = loadPrompts(path.resolve(cwd, config.PROMPTS_DIR));
  const loaded = await loadBankDirectory(banksDir);
  for (const problem of loaded.problems) {
    logger[problem.severity === 'error' ? 'error' : 'warn']({ problem }, 'bank problem');
  }
  const catalog = new BankCatalog(loaded.banks);

  const db = openDatabase(path.resolve(cwd, config.DATABASE_PATH));
  try {
    const store = new SqliteProgressStore(db, { clock, timeZone: config.TIME_ZONE });
    const tutor = createTutor({
      config,
      prompts,
      usage: new SqliteUsageRepository(db),
      findCachedFeedback: (bankId, questionId, normalizedAnswer) => store.findCachedFeedback(bankId, questionId, normalizedAnswer),
      clock,
      logger: logger.child({ component: 'tutor' }),
    });
    const quiz = createQuizService({
      catalog,
      store,
      tutor,
      defaultCount: config.DEFAULT_QUIZ_COUNT,
      maxAnswerLength: config.ANSWER_MAX_LENGTH,
      clock,
      ...(options.random ? { random: options.random } : {}),
    });
    logger.info({ banks: catalog.list().map((bank) => bank.id), llm: config.llmEnabled }, 'app ready');
    return {
      config,
      logger,
      banksDir,
      catalog,
      bankProblems: loaded.problems,
      db,
      store,
      tutor,
      quiz,
      close: () => {
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
