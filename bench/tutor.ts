import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BankSchema, type FreeTextQuestion } from '../src/bank/schema.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/storage/database.ts';
import { SqliteUsageRepository } from '../src/storage/usage-repository.ts';
import { buildGradingMessages, checkVerdicts, gradingJsonSchema, gradingPromptFor, parseGradingReply, type GradingReply } from '../src/tutor/grading.ts';
import { createTutor, loadPrompts } from '../src/tutor/index.ts';
import { describeLanguage, estimateTokens } from '../src/tutor/text.ts';
import { chatReply, startOpenAiServer } from '../test/support/openai-server.ts';
import type { BenchModule } from './run.ts';

/**
 * Input tokens per grading request for each seed short-answer and essay question, and the bot's own
 * time per grading request with the model taken out. Figures depend on the machine's load: run alone.
 *
 * Tokens are a CJK-aware ESTIMATE (src/tutor/text.ts estimateTokens: one per Han character, one per
 * four other characters, plus 4 per message), counted over the messages and the JSON schema sent in
 * response_format, for a typical answer (the rubric points written out) and a long one (the whole
 * reference answer).
 *
 * Overhead: (a) the pipeline in process: build the prompt, parse the reply, check every quote, score;
 * (b) a whole `gradeFreeText` against a loopback OpenAI-compatible server whose reply is prebuilt,
 * minus a bare fetch of the same server in the same round: the SDK, the SQLite usage ledger (budget
 * reads and the call insert) and the pipeline, i.e. everything but the model and its network.
 */

const BANK_FILE = path.resolve(import.meta.dirname, '../data/banks/ai-inference-optimization-2025.json');
const TOKEN_AIM = 2_000;
const OVERHEAD_AIM_MS = 5;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function replyFor(question: FreeTextQuestion): GradingReply {
  const sentences = question.reference.split(/(?<=[。.；;])/u).filter((s) => s.trim().length > 4);
  return {
    points: question.rubric.map((_, index) => ({ index, verdict: 'met', quote: (sentences[index % sentences.length] ?? question.reference).trim().slice(0, 40) })),
    strengths: ['要点齐全。'],
    improvements: ['可以再举一个例子。'],
    explanation: '参考答案给出了完整的对比。',
    injection_suspected: false,
  };
}

const bench: BenchModule = {
  name: 'tutor',
  async run(log) {
    const bank = BankSchema.parse(JSON.parse(fs.readFileSync(BANK_FILE, 'utf8')));
    const questions = bank.questions.filter((q): q is FreeTextQuestion => q.type === 'short' || q.type === 'essay');
    const prompts = loadPrompts(path.resolve(import.meta.dirname, '../prompts'));
    const schemaTokens = estimateTokens(JSON.stringify(gradingJsonSchema()));
    const language = describeLanguage(undefined, bank.language);

    log(`Input tokens per grading request (estimate: 1 per Han character, 1 per 4 other characters, +4 per message, + the response_format schema; aim <= ${TOKEN_AIM})`);
    log(`  typical answer = the rubric points written out; long answer = the whole reference answer; the JSON schema alone is ${schemaTokens}`);
    let worstTypical = 0;
    for (const question of questions) {
      const template = gradingPromptFor(prompts, question);
      const count = (answer: string) =>
        buildGradingMessages(template, question, answer, language).reduce((sum, message) => sum + estimateTokens(message.content) + 4, 0) + schemaTokens;
      const typicalAnswer = question.rubric.map((point) => point.point).join('\n');
      const typical = count(typicalAnswer);
      const long = count(question.reference);
      const material = count('');
      worstTypical = Math.max(worstTypical, typical);
      log(
        `  ${question.id.padEnd(8)} ${question.type.padEnd(5)} typical ${String(typical).padStart(5)}  long ${String(long).padStart(5)}  ` +
          `(prompt + question material without the answer: ${material}; reference ${estimateTokens(question.reference)}, analysis ${estimateTokens(question.analysis)})  ` +
          `${typical <= TOKEN_AIM ? 'ok' : 'OVER AIM'}`,
      );
    }
    log(`  worst typical request: ${worstTypical} tokens; ${worstTypical <= TOKEN_AIM ? 'within' : 'over'} the aim of ${TOKEN_AIM}`);

    // (a) The pipeline in process.
    const rounds = 2_000;
    const samples: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const question = questions[round % questions.length]!;
      const reply = JSON.stringify(replyFor(question));
      const started = performance.now();
      buildGradingMessages(gradingPromptFor(prompts, question), question, question.reference, language);
      const parsed = parseGradingReply(reply);
      if (parsed.ok) checkVerdicts(question, question.reference, parsed.reply);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    log(`Pipeline in process (prompt build + parse + quote check + score), ${rounds} requests: median ${percentile(samples, 0.5).toFixed(3)} ms, p95 ${percentile(samples, 0.95).toFixed(3)} ms`);

    // (b) A whole request against the loopback server, the model's time taken out.
    const server = await startOpenAiServer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'study-tutor-bench-tutor-'));
    const db = openDatabase(path.join(dir, 'bench.sqlite'));
    try {
      const replies = new Map(questions.map((question) => [question.id, chatReply(replyFor(question), { promptTokens: 1500, completionTokens: 200 })]));
      server.script((request) => {
        const user = request.body.messages?.at(-1)?.content ?? '';
        const question = questions.find((q) => user.includes(q.stem))!;
        return replies.get(question.id)!;
      });
      const tutor = createTutor({
        config: loadConfig({ OPENAI_BASE_URL: server.url, LLM_USER_CALLS_PER_HOUR: '1000000', LLM_GUILD_DAILY_TOKENS: '2000000000' }),
        prompts,
        usage: new SqliteUsageRepository(db),
      });
      // Each tutor request is paired with a bare fetch of the same reply from the same server, so the
      // loopback HTTP time (what a remote model's network would replace) is measured under the same load.
      const requests = 300;
      const whole: number[] = [];
      const bare: number[] = [];
      const differences: number[] = [];
      let llmGraded = 0;
      const bareBody = JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: questions[0]!.stem }] });
      const cpuDifferences: number[] = [];
      const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
      for (let round = 0; round < requests; round += 1) {
        const question = questions[round % questions.length]!;
        let cpu = process.cpuUsage();
        let started = performance.now();
        const feedback = await tutor.gradeFreeText({ bank, question, answer: question.reference, userId: `u${round % 7}`, guildId: 'g' });
        const wholeMs = performance.now() - started;
        const wholeCpu = cpuMs(process.cpuUsage(cpu));
        cpu = process.cpuUsage();
        started = performance.now();
        const response = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: bareBody.replace(questions[0]!.stem, question.stem), headers: { 'content-type': 'application/json' } });
        await response.json();
        const bareMs = performance.now() - started;
        const bareCpu = cpuMs(process.cpuUsage(cpu));
        if (feedback.gradedBy === 'llm') llmGraded += 1;
        if (round < 20) continue; // warm-up: the SDK, the connection pool, SQLite's page cache
        whole.push(wholeMs);
        bare.push(bareMs);
        differences.push(wholeMs - bareMs);
        cpuDifferences.push(wholeCpu - bareCpu);
      }
      for (const list of [whole, bare, differences, cpuDifferences]) list.sort((a, b) => a - b);
      const overhead = percentile(differences, 0.5);
      log(
        `Whole gradeFreeText against a loopback server with an instant reply, ${whole.length} requests (${llmGraded}/${requests} took the LLM path): ` +
          `median ${percentile(whole, 0.5).toFixed(2)} ms, p95 ${percentile(whole, 0.95).toFixed(2)} ms`,
      );
      log(`  bare HTTP round trip to the same server (fetch): median ${percentile(bare, 0.5).toFixed(2)} ms, p95 ${percentile(bare, 0.95).toFixed(2)} ms`);
      log(
        `  bot overhead per request excluding the model (paired difference: SDK + SQLite ledger + pipeline): median ${overhead.toFixed(2)} ms, ` +
          `p95 ${percentile(differences, 0.95).toFixed(2)} ms; ${overhead <= OVERHEAD_AIM_MS ? 'within' : 'over'} the aim of ${OVERHEAD_AIM_MS} ms`,
      );
      // CPU time is far less sensitive than wall time to other processes competing for the machine.
      const cpuOverhead = percentile(cpuDifferences, 0.5);
      log(
        `  the same as CPU time of this process (paired difference): median ${cpuOverhead.toFixed(2)} ms, p95 ${percentile(cpuDifferences, 0.95).toFixed(2)} ms; ` +
          `${cpuOverhead <= OVERHEAD_AIM_MS ? 'within' : 'over'} the aim of ${OVERHEAD_AIM_MS} ms`,
      );
      log(`  machine load average while measuring: ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`);
    } finally {
      db.close();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
