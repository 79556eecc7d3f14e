import { AsyncLocalStorage } from 'node:async_hooks';
import OpenAI from 'openai';
import { redactSecrets } from '../redact.ts';
import type { Config } from '../config.ts';
import { createConcurrencyLimiter } from './limiter.ts';
import type { LlmCallOutcome } from './ports.ts';
import type { TokenUsage } from './types.ts';

/**
 * The one adapter around the `openai` SDK (the only file that imports it). Chat Completions only,
 * since that is what OpenAI-compatible servers (DeepSeek, Qwen, Ollama, vLLM, LM Studio) implement.
 *
 * Retries: the SDK retries 408/409/429/5xx and connection errors `maxRetries` times with exponential
 * backoff (0.5 s doubling to 8 s, with jitter) and honours `retry-after`/`retry-after-ms`. The whole
 * call, retries included, is bounded by LLM_TIMEOUT_MS through an abort signal, so a slow server costs
 * at most that long. Calls beyond LLM_MAX_CONCURRENCY wait in a queue (the wait is not timed).
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  /** Asks for JSON: with a schema under `json_schema` mode, a bare JSON object under `json_object`. */
  json?: { name: string; schema: Record<string, unknown> };
  maxOutputTokens?: number;
}

export interface Completion {
  content: string;
  /** The model's refusal message, when it refused. */
  refusal: string | null;
  finishReason: string;
  usage: TokenUsage;
  /** True when the server reported usage; otherwise `usage` is zero and callers may estimate. */
  usageReported: boolean;
  latencyMs: number;
  model: string;
}

/** An LLM call that gave no reply: `kind` is what the tutor's note and the usage ledger record. */
export class LlmCallError extends Error {
  constructor(
    readonly kind: Exclude<LlmCallOutcome, 'ok' | 'invalid' | 'refusal' | 'truncated'>,
    message: string,
    readonly latencyMs: number,
    /** A 400 that names response_format or json_schema: the server has no structured outputs. */
    readonly rejectedJsonSchema = false,
  ) {
    super(message);
    this.name = 'LlmCallError';
  }
}

export interface LlmClient {
  readonly model: string;
  readonly jsonMode: 'json_schema' | 'json_object';
  complete(request: CompletionRequest): Promise<Completion>;
}

export type LlmClientConfig = Pick<
  Config,
  'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'LLM_MODEL' | 'LLM_TIMEOUT_MS' | 'LLM_MAX_CONCURRENCY' | 'LLM_JSON_MODE'
>;

export interface LlmClientOptions {
  /** SDK retries on 429/5xx/connection errors; default 2. */
  maxRetries?: number;
  /** Called once when the server rejects json_schema and the client switches to json_object. */
  onJsonModeDowngrade?: (reason: string) => void;
}

/** Keyless local servers (Ollama, LM Studio) still need a non-empty key for the SDK. */
const PLACEHOLDER_API_KEY = 'not-needed-for-local-server';

/** When the call in progress must be over (ms since the epoch); read by `fetchWithinDeadline`. */
const callDeadline = new AsyncLocalStorage<number>();

/** The wait a 429/5xx asks for, in ms, read as the SDK reads it; undefined when it names none. */
export function requestedRetryWaitMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms)) return ms;
  const header = headers.get('retry-after');
  if (!header) return undefined;
  const seconds = parseFloat(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? date - now : undefined;
}

/**
 * The SDK sleeps for whatever `retry-after` says before retrying, on a timer no abort signal clears:
 * a `retry-after: 30` kept the CLI alive 30 s after the fallback had answered. A reply asking for a
 * wait that ends after the call's deadline is marked `x-should-retry: false`, which the SDK obeys, so
 * the call fails at once, the tutor falls back, and no timer is left behind.
 */
async function fetchWithinDeadline(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  const deadline = callDeadline.getStore();
  if (deadline === undefined || (response.status !== 429 && response.status !== 408 && response.status < 500)) return response;
  const wait = requestedRetryWaitMs(response.headers);
  if (wait === undefined || Date.now() + wait < deadline) return response;
  const headers = new Headers(response.headers);
  headers.set('x-should-retry', 'false');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export function createLlmClient(config: LlmClientConfig, options: LlmClientOptions = {}): LlmClient {
  const openai = new OpenAI({
    apiKey: config.OPENAI_API_KEY ?? PLACEHOLDER_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    timeout: config.LLM_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? 2,
    fetch: fetchWithinDeadline,
  });
  const secrets = [config.OPENAI_API_KEY ?? ''].filter(Boolean);
  const limiter = createConcurrencyLimiter(config.LLM_MAX_CONCURRENCY);
  const model = config.LLM_MODEL;

  // Servers without structured outputs (DeepSeek's API, older local servers) answer 400 to a
  // json_schema response_format: the client then switches to json_object for good and says so.
  let jsonMode = config.LLM_JSON_MODE;

  async function callWithFallbackMode(request: CompletionRequest): Promise<Completion> {
    try {
      return await callOnce(request, jsonMode);
    } catch (error) {
      if (!(request.json && jsonMode === 'json_schema' && error instanceof LlmCallError && error.rejectedJsonSchema)) throw error;
      jsonMode = 'json_object';
      options.onJsonModeDowngrade?.(error.message);
      return callOnce(request, jsonMode);
    }
  }

  async function callOnce(request: CompletionRequest, mode: LlmClientConfig['LLM_JSON_MODE']): Promise<Completion> {
    const started = performance.now();
    const responseFormat = request.json
      ? mode === 'json_schema'
        ? { type: 'json_schema' as const, json_schema: { name: request.json.name, strict: true, schema: request.json.schema } }
        : { type: 'json_object' as const }
      : undefined;
    let deadline: NodeJS.Timeout | undefined;
    try {
      const call = callDeadline.run(Date.now() + config.LLM_TIMEOUT_MS, () => openai.chat.completions.create(
        {
          model,
          messages: request.messages,
          temperature: 0,
          ...(request.maxOutputTokens ? { max_tokens: request.maxOutputTokens } : {}),
          ...(responseFormat ? { response_format: responseFormat } : {}),
        },
        { signal: AbortSignal.timeout(config.LLM_TIMEOUT_MS) },
      ));
      // The SDK's sleep before a retry honours any `retry-after` and ignores the abort signal, so the
      // deadline is also enforced here; the abandoned call aborts when it wakes and is ignored.
      call.catch(() => undefined);
      const expired = new Promise<never>((_resolve, reject) => {
        deadline = setTimeout(() => reject(new LlmCallError('timeout', 'the LLM did not answer in time', Math.round(performance.now() - started))), config.LLM_TIMEOUT_MS);
      });
      const response = await Promise.race([call, expired]);
      const choice = response.choices[0];
      const usage = response.usage;
      return {
        content: choice?.message?.content ?? '',
        refusal: choice?.message?.refusal ?? null,
        finishReason: choice?.finish_reason ?? 'unknown',
        usage: { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 },
        usageReported: Boolean(usage),
        latencyMs: Math.round(performance.now() - started),
        model: response.model || model,
      };
    } catch (error) {
      // A provider's error text may echo the key ("Incorrect API key provided: sk-…").
      const failure = error instanceof LlmCallError ? error : classifyError(error, Math.round(performance.now() - started));
      failure.message = redactSecrets(failure.message, secrets);
      throw failure;
    } finally {
      clearTimeout(deadline);
    }
  }

  return {
    model,
    get jsonMode() {
      return jsonMode;
    },
    complete: (request) => limiter.run(() => callWithFallbackMode(request)),
  };
}

function classifyError(error: unknown, latencyMs: number): LlmCallError {
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof OpenAI.APIUserAbortError) {
    return new LlmCallError('timeout', 'the LLM did not answer in time', latencyMs);
  }
  if (error instanceof OpenAI.RateLimitError) return new LlmCallError('rate-limited', 'the LLM server kept rate-limiting (429)', latencyMs);
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    if (error.status >= 500) return new LlmCallError('server-error', `the LLM server failed (${error.status})`, latencyMs);
    const rejectedJsonSchema = error.status === 400 && /response_format|json_schema|structured output/i.test(error.message);
    return new LlmCallError('error', `the LLM server refused the request (${error.status}): ${error.message}`, latencyMs, rejectedJsonSchema);
  }
  if (error instanceof OpenAI.APIConnectionError) return new LlmCallError('error', `cannot reach the LLM server: ${error.message}`, latencyMs);
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return new LlmCallError('timeout', 'the LLM did not answer in time', latencyMs);
  }
  return new LlmCallError('error', error instanceof Error ? error.message : String(error), latencyMs);
}
