import { z } from 'zod';

/** The only reader of process.env. Every setting is listed with a comment in .env.example. */

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const ConfigSchema = z.object({
  DATABASE_PATH: z.string().min(1).default('var/study-tutor.sqlite'),
  BANKS_DIR: z.string().min(1).default('data/banks'),
  PROMPTS_DIR: z.string().min(1).default('prompts'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** IANA zone for daily streaks and per-day statistics. */
  TIME_ZONE: z
    .string()
    .default('UTC')
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone such as UTC or Asia/Shanghai'),
  DEFAULT_QUIZ_COUNT: positiveInt(5),
  ANSWER_MAX_LENGTH: positiveInt(4000),

  DISCORD_TOKEN: optionalString,
  /** REST base for discord.js (`…/api`, no version): for REST proxies and the test simulator. */
  DISCORD_API_URL: optionalString.pipe(z.url().optional()),
  /** Members with this role (a Discord snowflake) are teachers, as are members with Manage Server. */
  TEACHER_ROLE_ID: optionalString.pipe(z.string().regex(/^\d{17,20}$/u, 'a Discord role id (17–20 digits)').optional()),

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.url().optional()),
  LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: positiveInt(20_000),
  LLM_MAX_CONCURRENCY: positiveInt(4),
  LLM_JSON_MODE: z.enum(['json_schema', 'json_object']).default('json_schema'),
  /** Per-user LLM call budget: a bucket of this many calls that refills fully over an hour. */
  LLM_USER_CALLS_PER_HOUR: positiveInt(30),
  /** Per-guild LLM token budget per UTC day (input + output). */
  LLM_GUILD_DAILY_TOKENS: positiveInt(200_000),
  /** Token bound for the thread history sent with a follow-up question. */
  FOLLOW_UP_HISTORY_TOKENS: positiveInt(1_500),
});

export type Config = Readonly<
  z.infer<typeof ConfigSchema> & {
    /** True when an OpenAI-compatible endpoint is configured (a key, or a base URL for keyless local servers). */
    llmEnabled: boolean;
  }
>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`));
  }
  const values = parsed.data;
  return Object.freeze({ ...values, llmEnabled: Boolean(values.OPENAI_API_KEY || values.OPENAI_BASE_URL) });
}
