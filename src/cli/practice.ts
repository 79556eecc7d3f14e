import os from 'node:os';
import { parseArgs } from 'node:util';
import { createApp } from '../app.ts';
import { QUESTION_TYPES, type QuestionType } from '../bank/schema.ts';
import { loadConfig } from '../config.ts';
import { UserError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { secretsFromEnv } from '../redact.ts';
import { createStyle } from './practice-render.ts';
import { createLineReader, runPracticeSession } from './practice-session.ts';
import { practiceStrings, type PracticeLanguage } from './practice-text.ts';
import type { CliCommand, CliIo } from './types.ts';

/**
 * `tutor practice`: the Discord quiz in a terminal, through the same app (banks, tutor, SQLite store).
 * Progress is stored under the user id `local:<name>`, which `tutor stats --user <name>` reads back.
 */

export const LOCAL_USER_PREFIX = 'local:';

const LOCALES: Record<PracticeLanguage, string> = { en: 'en-US', zh: 'zh-CN' };

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
  if (!Number.isInteger(count) || count < 1) throw new UserError('invalid-option', `--count must be a whole number of at least 1, not "${value}".`);
  return count;
}

function parseType(value: string | undefined): QuestionType | undefined {
  if (value === undefined) return undefined;
  if (!(QUESTION_TYPES as readonly string[]).includes(value)) {
    throw new UserError('invalid-option', `--type must be one of ${QUESTION_TYPES.join(', ')}, not "${value}".`);
  }
  return value as QuestionType;
}

function parseLanguage(value: string | undefined): PracticeLanguage | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh';
  throw new UserError('invalid-option', `--lang must be en or zh, not "${value}".`);
}

export const practiceCommand: CliCommand = {
  path: ['practice'],
  usage: 'practice [--bank <id>] [--type <type>] [--topic <topic>] [--count <n>] [--user <name>] [--lang en|zh]',
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
      },
    });
    const type = parseType(values.type);
    const count = parseCount(values.count);
    const language = parseLanguage(values.lang);
    const userName = values.user?.trim() || defaultUserName(io.env);
    const config = loadConfig(io.env);

    // Logs go to standard error and stay quiet unless asked for, so they never mix into the quiz.
    const logger = createLogger({ level: io.env.LOG_LEVEL ? config.LOG_LEVEL : 'error', destination: io.stderr, secrets: secretsFromEnv(config) });
    const app = await createApp(config, { logger, cwd: io.cwd });
    const terminal = isTty(io.stdin) && isTty(io.stdout);
    const reader = createLineReader(io.stdin, io.stdout, terminal);
    try {
      await runPracticeSession(
        {
          userId: `${LOCAL_USER_PREFIX}${userName}`,
          displayName: userName,
          // `tutor stats --user <name>` finds `local:<name>`, so the hint shows the name as typed.
          userName,
          ...(values.bank ? { bankId: values.bank } : {}),
          ...(type ? { type } : {}),
          ...(values.topic ? { topic: values.topic } : {}),
          ...(count ? { count } : {}),
          ...(language ? { locale: LOCALES[language] } : {}),
          showProgress: terminal,
        },
        {
          quiz: app.quiz,
          reader,
          out: io.stdout,
          t: practiceStrings(language ?? 'en'),
          style: createStyle(terminal && !io.env.NO_COLOR),
        },
      );
      return 0;
    } finally {
      reader.close();
      app.close();
    }
  },
};
