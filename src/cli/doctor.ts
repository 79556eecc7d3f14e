import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { DatabaseError, knownSchemaVersion, openDatabase } from '../storage/database.ts';
import { loadPrompts, PromptError } from '../tutor/prompts.ts';
import { checkBanks } from './doctor-banks.ts';
import { createRedactor } from '../redact.ts';
import type { CliCommand, CliIo } from './types.ts';
import { countNoun, pluralWord } from '../messages/format.ts';

/**
 * `tutor doctor`: checks what a first run trips over — the configuration, the database, the banks,
 * the LLM endpoint and the Discord token — and says what is wrong in plain words. It never writes:
 * the database is opened read-only and the network checks only read.
 */

export type CheckStatus = 'ok' | 'warn' | 'error';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** One plain sentence: what was found. */
  message: string;
  /** What to do about it, one line each. */
  hints: string[];
}

export interface DoctorReport {
  checks: CheckResult[];
  errors: number;
  warnings: number;
}

export interface DoctorOptions {
  env: Record<string, string | undefined>;
  cwd: string;
  /** Network checks give up after this many milliseconds (default 5 s, or LLM_TIMEOUT_MS if shorter). */
  timeoutMs?: number;
}

const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
const DEFAULT_DISCORD_API_URL = 'https://discord.com/api';
const DEFAULT_NETWORK_TIMEOUT_MS = 5_000;
/** Application flags: the Message Content intent is enabled (verified bots) or enabled for < 100 servers. */
const GATEWAY_MESSAGE_CONTENT = 1 << 18;
const GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19;

function result(name: string, status: CheckStatus, message: string, hints: string[] = []): CheckResult {
  return { name, status, message, hints };
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const checks: CheckResult[] = [];
  const envFile = path.join(options.cwd, '.env');
  let config: Config | undefined;
  try {
    config = loadConfig(options.env);
    checks.push(
      result(
        'Configuration',
        'ok',
        fs.existsSync(envFile) ? `${envFile} and the environment parse without problems.` : 'No .env file; the environment and the defaults parse without problems.',
      ),
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    checks.push(
      result(
        'Configuration',
        'error',
        `${error.problems.length === 1 ? 'One setting is' : `${error.problems.length} settings are`} invalid: ${error.problems.join('; ')}.`,
        ['Fix these in .env or the environment; .env.example describes every setting.'],
      ),
    );
  }

  if (!config) {
    checks.push(result('Database, banks, LLM, Discord', 'warn', 'Not checked: fix the configuration first.'));
    return summarise(checks);
  }

  const timeoutMs = options.timeoutMs ?? Math.min(DEFAULT_NETWORK_TIMEOUT_MS, config.LLM_TIMEOUT_MS);
  checks.push(checkDatabase(path.resolve(options.cwd, config.DATABASE_PATH)));
  checks.push(await checkBanks(path.resolve(options.cwd, config.BANKS_DIR)));
  checks.push(checkPrompts(path.resolve(options.cwd, config.PROMPTS_DIR)));
  const [llm, discord] = await Promise.all([checkLlm(config, timeoutMs), checkDiscord(config, timeoutMs)]);
  checks.push(llm, ...discord);
  return summarise(checks);
}

function summarise(checks: CheckResult[]): DoctorReport {
  return {
    checks,
    errors: checks.filter((check) => check.status === 'error').length,
    warnings: checks.filter((check) => check.status === 'warn').length,
  };
}

function checkDatabase(filePath: string): CheckResult {
  const known = knownSchemaVersion();
  if (!fs.existsSync(filePath)) {
    const folder = nearestExistingFolder(path.dirname(filePath));
    try {
      fs.accessSync(folder, fs.constants.W_OK);
    } catch {
      return result('Database', 'error', `${filePath} does not exist and ${folder} is not writable, so it cannot be created.`, [
        'Point DATABASE_PATH at a writable location.',
      ]);
    }
    return result('Database', 'ok', `${filePath} does not exist yet; it is created (schema ${known}) on first run.`);
  }
  try {
    const db = openDatabase(filePath, { readonly: true });
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      return result('Database', 'ok', `${filePath} opens; schema version ${version} (current).`);
    } finally {
      db.close();
    }
  } catch (error) {
    if (error instanceof DatabaseError && error.code === 'database-outdated') {
      return result('Database', 'ok', `${filePath} opens; it is migrated to schema ${known} on the next start. ${error.message}`);
    }
    if (error instanceof DatabaseError) return result('Database', 'error', error.message);
    throw error;
  }
}

function checkPrompts(dir: string): CheckResult {
  try {
    const prompts = loadPrompts(dir);
    const versions = Object.values(prompts).map((prompt) => prompt.version);
    return result('Prompts', 'ok', `${dir} holds ${versions.join(', ')}.`);
  } catch (error) {
    if (error instanceof PromptError) return result('Prompts', 'error', error.message, ['Restore the file from git, or set PROMPTS_DIR.']);
    throw error;
  }
}

function nearestExistingFolder(folder: string): string {
  let current = folder;
  while (!fs.existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

type FetchOutcome = { ok: true; response: Response; body: unknown } | { ok: false; reason: string };

async function getJson(url: string, headers: Record<string, string>, timeoutMs: number): Promise<FetchOutcome> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text for the message.
    }
    return { ok: true, response, body };
  } catch (error) {
    return { ok: false, reason: describeNetworkError(error, timeoutMs) };
  }
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = cause && 'code' in cause ? String(cause.code) : undefined;
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export async function checkLlm(config: Config, timeoutMs: number): Promise<CheckResult> {
  if (!config.llmEnabled) {
    return result('LLM', 'warn', 'Not configured: short and essay answers get the fallback grading (keyword coverage, labelled provisional).', [
      'For AI feedback set OPENAI_API_KEY (and OPENAI_BASE_URL for another provider); the README lists providers.',
    ]);
  }
  const base = trimSlash(config.OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL);
  const url = `${base}/models`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.OPENAI_API_KEY) headers.authorization = `Bearer ${config.OPENAI_API_KEY}`;
  const outcome = await getJson(url, headers, timeoutMs);
  if (!outcome.ok) {
    return result('LLM', 'error', `Cannot reach ${url}: ${outcome.reason}. Answers would get the fallback grading.`, [
      'Check OPENAI_BASE_URL (it usually ends in /v1) and that the server is running.',
    ]);
  }
  const { response, body } = outcome;
  if (response.status === 401 || response.status === 403) {
    return result('LLM', 'error', `${base} refused the API key (HTTP ${response.status}).`, [
      config.OPENAI_API_KEY ? 'Check OPENAI_API_KEY: it may be mistyped, revoked, or for another provider.' : 'This server needs OPENAI_API_KEY.',
    ]);
  }
  if (response.status === 404) {
    return result('LLM', 'warn', `${base} answered but has no /models list, so the model ${config.LLM_MODEL} could not be confirmed.`, [
      'If grading falls back, check OPENAI_BASE_URL (it usually ends in /v1) and LLM_MODEL.',
    ]);
  }
  if (!response.ok) {
    return result('LLM', 'error', `${url} answered HTTP ${response.status}; grading would fall back until it recovers.`);
  }
  const ids = modelIds(body);
  if (ids === undefined) {
    return result('LLM', 'warn', `${url} answered, but not with a model list; the model ${config.LLM_MODEL} could not be confirmed.`);
  }
  if (ids.length > 0 && !ids.includes(config.LLM_MODEL)) {
    const sample = ids.slice(0, 8).join(', ');
    return result('LLM', 'warn', `${base} is reachable, but its ${countNoun(ids.length, 'model')} ${pluralWord(ids.length, 'does', 'do')} not include ${config.LLM_MODEL} (${sample}${ids.length > 8 ? ', …' : ''}).`, [
      'Set LLM_MODEL to a model the server offers.',
    ]);
  }
  return result('LLM', 'ok', `${base} is reachable and offers ${config.LLM_MODEL} (JSON mode ${config.LLM_JSON_MODE}).`);
}

function modelIds(body: unknown): string[] | undefined {
  if (typeof body !== 'object' || body === null || !('data' in body) || !Array.isArray(body.data)) return undefined;
  return body.data.flatMap((entry: unknown) =>
    typeof entry === 'object' && entry !== null && 'id' in entry && typeof entry.id === 'string' ? [entry.id] : [],
  );
}

export async function checkDiscord(config: Config, timeoutMs: number): Promise<CheckResult[]> {
  const token = config.DISCORD_TOKEN;
  if (!token) {
    return [
      result('Discord', 'warn', 'DISCORD_TOKEN is not set: `npm start` will not run the bot. `npm run practice` works without it.', [
        'To run on Discord, follow "Running it on Discord" in the README and put the bot token in .env.',
      ]),
    ];
  }
  const hints: string[] = [];
  if (/^bot\s/i.test(token)) hints.push('Put the token alone in DISCORD_TOKEN, without the "Bot " prefix.');
  const base = `${trimSlash(config.DISCORD_API_URL ?? DEFAULT_DISCORD_API_URL)}/v10`;
  const headers = { authorization: `Bot ${token.replace(/^bot\s+/i, '')}`, accept: 'application/json' };
  const me = await getJson(`${base}/users/@me`, headers, timeoutMs);
  if (!me.ok) return [result('Discord', 'error', `Cannot reach ${base}: ${me.reason}.`, ['Check the network, or DISCORD_API_URL if you set it.'])];
  if (me.response.status === 401) {
    return [
      result('Discord', 'error', 'Discord refused DISCORD_TOKEN (HTTP 401): it is mistyped, reset, or not a bot token.', [
        ...hints,
        'Developer Portal → your application → Bot → Reset Token, then update .env.',
      ]),
    ];
  }
  if (!me.response.ok) return [result('Discord', 'error', `${base}/users/@me answered HTTP ${me.response.status}.`, hints)];
  const user = me.body as { id?: string; username?: string; bot?: boolean };
  const checks = [result('Discord', 'ok', `The token is valid: logged in as ${user.username ?? '?'} (id ${user.id ?? '?'}).`, hints)];

  const app = await getJson(`${base}/applications/@me`, headers, timeoutMs);
  if (app.ok && app.response.ok && typeof app.body === 'object' && app.body !== null && 'flags' in app.body) {
    const flags = Number(app.body.flags);
    const hasIntent = (flags & (GATEWAY_MESSAGE_CONTENT | GATEWAY_MESSAGE_CONTENT_LIMITED)) !== 0;
    checks.push(
      hasIntent
        ? result('Message Content intent', 'ok', 'Enabled: learners can type answers and questions in quiz threads.')
        : result('Message Content intent', 'warn', 'Not enabled: typed answers in threads are not seen; the Answer and Ask buttons still work.', [
            'Developer Portal → your application → Bot → Privileged Gateway Intents → Message Content Intent.',
          ]),
    );
  }
  return checks;
}

const SYMBOLS: Record<CheckStatus, string> = { ok: '✔', warn: '!', error: '✖' };
const COLOURS: Record<CheckStatus, string> = { ok: '\x1b[32m', warn: '\x1b[33m', error: '\x1b[31m' };

export function renderDoctorReport(report: DoctorReport, colour: boolean): string {
  const lines: string[] = [];
  for (const check of report.checks) {
    const symbol = colour ? `${COLOURS[check.status]}${SYMBOLS[check.status]}\x1b[0m` : SYMBOLS[check.status];
    lines.push(`${symbol} ${check.name}: ${check.message}`);
    for (const hint of check.hints) lines.push(`    → ${hint}`);
  }
  lines.push('');
  const problems = `${report.errors} problem${report.errors === 1 ? '' : 's'}`;
  const warnings = `${report.warnings} warning${report.warnings === 1 ? '' : 's'}`;
  lines.push(report.errors === 0 ? `No problems found (${warnings}).` : `${problems}, ${warnings}.`);
  return `${lines.join('\n')}\n`;
}

function isTty(stream: CliIo['stdout']): boolean {
  return 'isTTY' in stream && stream.isTTY === true;
}

export const doctorCommand: CliCommand = {
  path: ['doctor'],
  usage: 'doctor [--json]',
  summary: 'Check the configuration, database, banks, LLM endpoint and Discord token',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true });
    const report = await runDoctor({ env: io.env, cwd: io.cwd });
    // The report names URLs and provider replies: a key inside OPENAI_BASE_URL must not be printed.
    const redact = createRedactor(io.env);
    io.stdout.write(redact(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderDoctorReport(report, isTty(io.stdout) && !io.env.NO_COLOR)));
    return report.errors > 0 ? 1 : 0;
  },
};
