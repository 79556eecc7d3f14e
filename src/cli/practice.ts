import os from 'node:os';
import { parseArgs } from 'node:util';
import { createApp } from '../app.ts';
import type { BankService } from '../services/banks.ts';
import { QUESTION_TYPES, type Bank, type QuestionType } from '../bank/schema.ts';
import { loadConfig } from '../config.ts';
import { isUserError, UserError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { resolveLocale, t, type Locale } from '../messages/catalog.ts';
import { secretsFromEnv } from '../redact.ts';
import { seededRandom } from '../seeded-random.ts';
import { createStyle } from './practice-render.ts';
import { createLineReader, isStorageFailure, runPracticeSession } from './practice-session.ts';
import type { CliCommand, CliIo } from './types.ts';

/**
 * `tutor practice`: the Discord quiz in a terminal, through the same app (banks, tutor, SQLite store).
 * Progress is stored under the user id `local:<name>`, which `tutor stats --user <name>` reads back.
 */

export const LOCAL_USER_PREFIX = 'local:';

function isTty(stream: CliIo['stdin'] | CliIo['stdout']): boolean {
  return 'isTTY' in stream && stream.isTTY === true;
}

/** The OS login name, or `learner` where there is none (some containers run as a uid without a name). */
export function defaultUserName(env: Record<string, string | undefined>): string {
  try {
    const name = os.userInfo().username.trim();
    if (name) return name;
  } catch {
    // No passwd entry: fall through to the environment.
  }
  return env.USER?.trim() || env.USERNAME?.trim() || 'learner';
}

function parseCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) throw new UserError('invalid-option', { option: '--count', expected: 'a whole number of at least 1', value });
  return count;
}

function parseSeed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) throw new UserError('invalid-option', { option: '--seed', expected: 'a whole number', value });
  return seed;
}

function parseType(value: string | undefined): QuestionType | undefined {
  if (value === undefined) return undefined;
  if (!(QUESTION_TYPES as readonly string[]).includes(value)) throw new UserError('unknown-type', { value, types: QUESTION_TYPES.join(', ') });
  return value as QuestionType;
}

function parseLanguage(value: string | undefined): Locale | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'en' || lower.startsWith('en-') || lower === 'zh' || lower.startsWith('zh-')) return resolveLocale(lower);
  throw new UserError('invalid-option', { option: '--lang', expected: 'en or zh', value });
}

/**
 * The interface language from the environment, as POSIX programs read it (LC_ALL, then LC_MESSAGES,
 * then LANG). `C` and `POSIX` say nothing about a language, so they leave the choice to the bank.
 */
export function localeFromEnv(env: Record<string, string | undefined>): Locale | undefined {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (/^(c|posix)([._@]|$)/i.test(value)) return undefined;
    return resolveLocale(value);
  }
  return undefined;
}


/** Checks `--bank` and `--topic` against what is loaded, so a typo lists what exists instead of failing vaguely. */
function checkChoice(catalog: Pick<BankService, 'list' | 'get'>, bankId: string | undefined, type: QuestionType | undefined, topic: string | undefined): void {
  const servable = (bank: Bank) => bank.questions.filter((question) => question.status !== 'draft');
  let banks = catalog.list();
  if (bankId) {
    const bank = catalog.get(bankId);
    if (!bank) throw new UserError('unknown-bank', { bankId, banks: banks.map((candidate) => candidate.id).join(', ') || '—', hint: '' });
    banks = [bank];
  }
  const scope = bankId ?? banks.map((bank) => bank.id).join(', ');
  const questions = banks.flatMap(servable);
  if (type && !questions.some((question) => question.type === type)) {
    const types = [...new Set(questions.map((question) => question.type))];
    throw new UserError('unknown-type', { value: type, types: types.join(', ') || '—' });
  }
  if (topic) {
    const topics = [...new Set(questions.filter((question) => !type || question.type === type).flatMap((question) => (question.topic ? [question.topic] : [])))].sort();
    if (!topics.includes(topic)) throw new UserError('unknown-topic', { topic, scope, topics: topics.join(', ') || '—' });
  }
}

export const practiceCommand: CliCommand = {
  path: ['practice'],
  usage: 'practice [--bank <id>] [--type <type>] [--topic <topic>] [--count <n>] [--review] [--seed <n>] [--user <name>] [--lang en|zh]',
  summary: 'Take a quiz in the terminal (no Discord needed); answers can be piped in',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      strict: true,
      options: {
        bank: { type: 'string' },
        type: { type: 'string' },
        topic: { type: 'string' },
        count: { type: 'string' },
        user: { type: 'string' },
        lang: { type: 'string' },
        review: { type: 'boolean' },
        seed: { type: 'string' },
      },
    });
    // Errors of the options come in the interface language the learner would have got.
    let interfaceLocale = localeFromEnv(io.env);
    try {
      interfaceLocale = parseLanguage(values.lang) ?? interfaceLocale;
      const type = parseType(values.type);
      const count = parseCount(values.count);
      const seed = parseSeed(values.seed);
      const userName = values.user?.trim() || defaultUserName(io.env);
      const config = loadConfig(io.env);

      // Logs go to standard error and stay quiet unless asked for, so they never mix into the quiz.
      const logger = createLogger({ level: io.env.LOG_LEVEL ? config.LOG_LEVEL : 'error', destination: io.stderr, secrets: secretsFromEnv(config) });
      const app = await createApp(config, { logger, cwd: io.cwd, ...(seed !== undefined ? { random: seededRandom(seed) } : {}) });
      const terminal = isTty(io.stdin) && isTty(io.stdout);
      const reader = createLineReader(io.stdin, io.stdout, terminal);
      try {
        checkChoice(app.banks, values.bank, type, values.topic);
        interfaceLocale ??= values.bank ? resolveLocale(app.banks.get(values.bank)?.language) : undefined;
        const userId = `${LOCAL_USER_PREFIX}${userName}`;
        await runPracticeSession(
          {
            userId,
            displayName: userName,
            // `tutor stats --user <name>` finds `local:<name>`, so the hint shows the name as typed.
            userName,
            ...(values.bank ? { bankId: values.bank } : {}),
            ...(type ? { type } : {}),
            ...(values.topic ? { topic: values.topic } : {}),
            ...(count ? { count } : {}),
            ...(values.review ? { mode: 'review' as const } : {}),
            // The tutor's feedback follows an explicit choice; otherwise it keeps to the bank's language.
            ...(values.lang || localeFromEnv(io.env) ? { locale: interfaceLocale } : {}),
            ...(interfaceLocale ? { interfaceLocale } : {}),
            showProgress: terminal,
            timeZone: config.TIME_ZONE,
          },
          {
            quiz: app.quiz,
            reader,
            out: io.stdout,
            style: createStyle(terminal && !io.env.NO_COLOR),
            reviews: {
              nextDue: (user) => app.stats.nextReviewDue(user),
              dueCount: (user, now) => app.stats.dueReviewCount(user, now),
            },
          },
        );
        return 0;
      } finally {
        reader.close();
        app.close();
      }
    } catch (error) {
      if (isUserError(error)) {
        io.stderr.write(`${error.localized(interfaceLocale)}\n`);
        return 1;
      }
      if (isStorageFailure(error)) {
        const message = new UserError('storage-write-failed', { reason: error.code }).localized(interfaceLocale);
        io.stderr.write(`${t(interfaceLocale, 'practice.storageFailed', { reason: message })}\n`);
        return 1;
      }
      throw error;
    }
  },
};
