import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible HTTP server for tests: real HTTP on 127.0.0.1 (a free port), so the real
 * `openai` SDK talks to it. It records every request and replies from a per-test script.
 *
 *   const llm = await startOpenAiServer();
 *   llm.script([chatReply('{"points":[]…}'), errorReply(429)]);   // replies in order
 *   llm.script((request) => chatReply(`echo ${request.body.model}`)); // or one function for all
 *   … OPENAI_BASE_URL = llm.url …
 *   expect(llm.requests[0].body.messages).toContain…
 *   await llm.close();
 *
 * When the queue is empty and no function is set, the server answers 500 "no scripted reply", so a
 * test that makes an unexpected call fails loudly.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (`{}` for none). */
  body: ChatCompletionBody;
  receivedAt: Date;
}

export interface ChatCompletionBody {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> } };
  max_tokens?: number;
  temperature?: number;
  [key: string]: unknown;
}

export interface ServerReply {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (e.g. broken JSON); wins over `body`. */
  rawBody?: string;
  /** Waits this long before answering (a slow model); stops early if the client goes away. */
  delayMs?: number;
}

export type ReplyScript = ServerReply | ((request: RecordedRequest) => ServerReply | Promise<ServerReply>);

export interface OpenAiServer {
  /** Base URL for the SDK, ending in `/v1`. */
  url: string;
  requests: RecordedRequest[];
  /** Chat completion requests only, in order. */
  readonly chatRequests: RecordedRequest[];
  /** The most chat completion requests that were open at the same time (a client's concurrency). */
  readonly peakConcurrency: number;
  /** A list is queued after any replies still waiting; a function answers every request from now on. */
  script(replies: ReplyScript[] | ((request: RecordedRequest) => ServerReply | Promise<ServerReply>)): void;
  /** Forgets recorded requests and scripted replies. */
  reset(): void;
  close(): Promise<void>;
}

export interface ChatReplyOptions {
  promptTokens?: number;
  completionTokens?: number;
  /** `stop` by default; `length` or `content_filter` to test incomplete replies. */
  finishReason?: string;
  refusal?: string | null;
  model?: string;
  /** Leave out the `usage` object, as some local servers do. */
  omitUsage?: boolean;
  delayMs?: number;
}

let completionCounter = 0;

/** A successful chat completion whose message content is `content` (a string or an object sent as JSON text). */
export function chatReply(content: string | object | null, options: ChatReplyOptions = {}): ServerReply {
  completionCounter += 1;
  const text = content === null ? null : typeof content === 'string' ? content : JSON.stringify(content);
  return {
    delayMs: options.delayMs,
    body: {
      id: `chatcmpl-test-${completionCounter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: options.model ?? 'test-model',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: options.refusal ?? null },
          finish_reason: options.finishReason ?? 'stop',
          logprobs: null,
        },
      ],
      ...(options.omitUsage
        ? {}
        : {
            usage: {
              prompt_tokens: options.promptTokens ?? 100,
              completion_tokens: options.completionTokens ?? 50,
              total_tokens: (options.promptTokens ?? 100) + (options.completionTokens ?? 50),
            },
          }),
    },
  };
}

/** An API error in OpenAI's shape. Pass `retry-after-ms` in headers to keep the SDK's backoff short. */
export function errorReply(status: number, message = `error ${status}`, headers: Record<string, string> = {}): ServerReply {
  return {
    status,
    headers,
    body: { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', param: null, code: null } },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startOpenAiServer(): Promise<OpenAiServer> {
  const requests: RecordedRequest[] = [];
  let open = 0;
  let peak = 0;
  let queue: ReplyScript[] = [];
  let handler: ((request: RecordedRequest) => ServerReply | Promise<ServerReply>) | null = null;

  const nextReply = async (recorded: RecordedRequest): Promise<ServerReply> => {
    const step = queue.shift();
    if (step !== undefined) return typeof step === 'function' ? step(recorded) : step;
    if (handler) return handler(recorded);
    return errorReply(500, 'no scripted reply for this request');
  };

  const send = (response: ServerResponse, reply: ServerReply) => {
    const payload = reply.rawBody ?? JSON.stringify(reply.body ?? {});
    response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    response.end(payload);
  };

  const server = createServer((request, response) => {
    void (async () => {
      const text = await readBody(request);
      let body: ChatCompletionBody = {};
      if (text) {
        try {
          body = JSON.parse(text) as ChatCompletionBody;
        } catch {
          send(response, errorReply(400, 'request body is not JSON'));
          return;
        }
      }
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: (request.url ?? '/').split('?')[0] ?? '/',
        headers: request.headers,
        body,
        receivedAt: new Date(),
      };
      requests.push(recorded);
      if (recorded.method === 'GET' && recorded.path === '/v1/models') {
        send(response, { body: { object: 'list', data: [{ id: 'test-model', object: 'model', owned_by: 'test' }] } });
        return;
      }
      if (recorded.method !== 'POST' || recorded.path !== '/v1/chat/completions') {
        send(response, errorReply(404, `no route ${recorded.method} ${recorded.path}`));
        return;
      }
      open += 1;
      peak = Math.max(peak, open);
      response.on('close', () => {
        open -= 1;
      });
      const reply = await nextReply(recorded);
      if (reply.delayMs && reply.delayMs > 0) {
        const closed = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), reply.delayMs);
          response.on('close', () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        if (closed || response.destroyed) return;
      }
      send(response, reply);
    })().catch((error: unknown) => {
      if (!response.headersSent) send(response, errorReply(500, `test server failed: ${String(error)}`));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get peakConcurrency() {
      return peak;
    },
    get chatRequests() {
      return requests.filter((request) => request.path === '/v1/chat/completions');
    },
    script(replies) {
      if (typeof replies === 'function') handler = replies;
      else queue.push(...replies);
    },
    reset() {
      requests.length = 0;
      peak = open;
      queue = [];
      handler = null;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
