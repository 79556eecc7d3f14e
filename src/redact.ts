/**
 * The one redaction function for everything the program prints or logs: log lines (src/logger.ts),
 * CLI error output (src/cli.ts) and `tutor doctor`. It removes the configured secrets wherever they
 * appear (also inside text a provider sent back, e.g. a 401 body that echoes the key), credentials
 * inside URLs (`http://user:key@host`), and strings that look like API keys or bot tokens even when
 * they are not the configured ones (a key pasted into the wrong variable is still a key).
 *
 * Linear: every pattern below is a single character class run with fixed context, no nested quantifiers.
 */

export const REDACTED = '[redacted]';

/** Environment keys whose values are secrets. */
export const SECRET_ENV_KEYS = ['OPENAI_API_KEY', 'DISCORD_TOKEN'] as const;
/** Environment keys holding URLs that may carry `user:password@`. */
const URL_ENV_KEYS = ['OPENAI_BASE_URL', 'DISCORD_API_URL'] as const;

/** Shorter values are not treated as secrets: redacting `ab` everywhere would garble the text. */
const MIN_SECRET_LENGTH = 6;

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]{0,20}:\/\/)([^\s/@:'"<>]{0,200}):([^\s/@'"<>]{1,500})@/gi;
/** OpenAI-style keys (`sk-…`, `sk-proj-…`) and similar provider keys. */
const API_KEY_SHAPE = /\b(sk|pk|rk)-[A-Za-z0-9_-]{12,}/g;
/** A Discord bot token: three base64url parts separated by dots, the first a base64 user id. */
const DISCORD_TOKEN_SHAPE = /\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,40}\b/g;
const BEARER = /\b(Bearer|Bot)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** The secrets configured in `env`: keys and tokens, and any password inside a configured URL. */
export function secretsFromEnv(env: Readonly<Record<string, unknown>>): string[] {
  const read = (key: string) => (typeof env[key] === 'string' ? (env[key] as string) : undefined);
  const secrets: string[] = [];
  for (const key of SECRET_ENV_KEYS) {
    const value = read(key)?.trim();
    if (value) {
      secrets.push(value);
      // DISCORD_TOKEN may be written with a `Bot ` prefix.
      const bare = value.replace(/^bot\s+/i, '');
      if (bare !== value) secrets.push(bare);
    }
  }
  for (const key of URL_ENV_KEYS) {
    const value = read(key);
    if (!value) continue;
    try {
      const url = new URL(value);
      if (url.password) secrets.push(decodeURIComponent(url.password), url.password);
    } catch {
      // Not a URL: config validation says so; nothing to extract here.
    }
  }
  return [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH))];
}

/**
 * `text` with every secret removed. `secrets` are matched literally (longest first, so a value that
 * contains another is removed whole); the shapes above are removed whether configured or not.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(URL_CREDENTIALS, (_match, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`)
    .replace(API_KEY_SHAPE, REDACTED)
    .replace(DISCORD_TOKEN_SHAPE, REDACTED)
    .replace(BEARER, (_match, kind: string) => `${kind} ${REDACTED}`);
}

/** A redactor bound to the secrets of one environment. */
export function createRedactor(env: Readonly<Record<string, unknown>>): (text: string) => string {
  const secrets = secretsFromEnv(env);
  return (text) => redactSecrets(text, secrets);
}
