import { describe, expect, it } from 'vitest';
import { errorReply } from '../support/openai-server.ts';
import { buttonByLabel, embedOf, field, closeAndCheckHarnessAfterEach, startHarness, startQuizInThread, type Harness, isVerdict, verdictEmbed } from './harness.ts';
import { isGradingRequest, kvShortGrading, scriptTutor } from './llm.ts';

async function openShortQuiz(h: Harness, username = 'ada') {
  const user = h.sim.createUser({ username, locale: 'en-US' });
  const { thread, question } = await startQuizInThread(h.sim, user, { type: 'short' });
  return { user, thread, question };
}

describe('short answers and follow-ups in the thread', () => {
  let h: Harness;
  closeAndCheckHarnessAfterEach(() => h);

  it('grades a short answer typed in the thread with the tutor’s feedback, then answers a follow-up question', async () => {
    h = await startHarness();
    const answer = 'It stores the keys and values of previous tokens, and the memory grows with sequence length.';
    scriptTutor(h.llm, kvShortGrading({ keys: 'stores the keys and values of previous tokens', memory: 'the memory grows with sequence length' }), 'Each new token adds one key and one value per layer.');
    const { user, thread, question } = await openShortQuiz(h);

    const typed = h.sim.postMessage({ channelId: thread.id, user, content: answer });
    const verdict = await h.sim.waitForMessage(thread.id, isVerdict, 10_000);
    expect(verdict.message_reference).toMatchObject({ message_id: typed.id });
    expect(verdict.editCount).toBeGreaterThanOrEqual(1); // "Grading…" first, then the verdict
    expect(verdictEmbed(verdict).title).toBe('✅ Correct');
    expect(verdictEmbed(verdict).description).toContain('4 / 4 pt');
    expect(field(verdict, 'Tutor feedback')).toContain('The cache keeps past keys and values');
    expect(field(verdict, 'Rubric')).toContain('✅ Stores the keys and values of previous tokens');
    expect(field(verdict, 'Reference answer')).toContain('only the new token is computed');
    // The question's Answer button goes once a typed answer has been graded.
    await h.sim.waitFor(() => h.sim.message(question.id)!.components.length === 0);
    const grading = h.llm.chatRequests.filter(isGradingRequest);
    expect(grading).toHaveLength(1);
    expect(JSON.stringify(grading[0]!.body.messages)).toContain(answer);

    h.sim.postMessage({ channelId: thread.id, user, content: 'Why does the memory keep growing?' });
    const reply = await h.sim.waitForMessage(thread.id, (m) => m.embeds.length > 0 && embedOf(m).title === 'Tutor', 10_000);
    expect(embedOf(reply).description).toBe('Each new token adds one key and one value per layer.');
    expect(field(reply, 'You asked')).toBe('> Why does the memory keep growing?');
    const followUps = h.llm.chatRequests.filter((r) => !isGradingRequest(r));
    expect(JSON.stringify(followUps[0]!.body.messages)).toContain('Why does the memory keep growing?');

    const stored = h.store.attemptsForSession(h.app.quiz.findActiveByThread(thread.id)!.id);
    expect(stored.map((a) => [a.questionId, a.score, a.gradedBy, a.rawAnswer])).toEqual([['kv-short', 4, 'llm', answer]]);
    expect(h.sim.failures).toEqual([]);
  });

  it('takes a typed answer after a restart and clears the question posted before it', async () => {
    h = await startHarness();
    scriptTutor(h.llm, kvShortGrading({ keys: 'keys and values' }), 'ok');
    const { user, thread, question } = await openShortQuiz(h);
    await h.restart();
    h.sim.postMessage({ channelId: thread.id, user, content: 'It caches the keys and values.' });
    const verdict = await h.sim.waitForMessage(thread.id, isVerdict, 10_000);
    expect(verdictEmbed(verdict).description).toContain('2 / 4 pt');
    await h.sim.waitFor(() => h.sim.message(question.id)!.components.length === 0);
    expect(h.sim.requests.some((r) => r.method === 'GET' && r.path === `/channels/${thread.id}/messages`)).toBe(true);
  });

  it('sends a question typed before answering to the tutor instead of grading it', async () => {
    h = await startHarness();
    scriptTutor(h.llm, kvShortGrading({}), 'Think about what attention needs from earlier tokens.');
    const { user, thread } = await openShortQuiz(h);
    h.sim.postMessage({ channelId: thread.id, user, content: 'What does decoding recompute？' });
    const reply = await h.sim.waitForMessage(thread.id, (m) => m.embeds.length > 0 && embedOf(m).title === 'Tutor', 10_000);
    expect(embedOf(reply).description).toBe('Think about what attention needs from earlier tokens.');
    expect(h.llm.chatRequests.filter(isGradingRequest)).toHaveLength(0);
    expect(h.store.attemptsForSession(h.app.quiz.findActiveByThread(thread.id)!.id)).toEqual([]);
  });

  it('ignores messages from other members in someone else’s quiz thread', async () => {
    h = await startHarness();
    const { thread } = await openShortQuiz(h);
    const bob = h.sim.createUser({ username: 'bob' });
    h.sim.postMessage({ channelId: thread.id, user: bob, content: 'I think it stores keys and values.' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.sim.messages(thread.id).filter((m) => m.author.bot)).toHaveLength(1); // the question only
    expect(h.llm.chatRequests).toHaveLength(0);
  });

  it('still acknowledges in time and gives a labelled fallback score when the LLM is down', async () => {
    h = await startHarness();
    h.llm.script(() => errorReply(503, 'upstream down'));
    const { user, question } = await openShortQuiz(h);
    const open = h.sim.clickButton({ message: question, user, customId: buttonByLabel(question, 'Answer') });
    expect((await open.ack).type).toBe(9); // the modal
    const submit = h.sim.submitModal({ user, fields: { answer: 'It keeps keys and values in memory.' } });
    const ack = await submit.ack;
    expect(ack.elapsedMs).toBeLessThan(3000);
    expect((ack.data as { content?: string }).content).toBe('⏳ Grading your answer…');
    const verdict = await submit.waitForOriginal(isVerdict, 20_000);
    expect(field(verdict, 'Tutor feedback')).toContain('Provisional score from the keyword check');
    const [attempt] = h.store.attemptsForSession(h.app.quiz.findActiveByThread(question.channel_id)!.id);
    expect(attempt).toMatchObject({ gradedBy: 'fallback', status: 'pending' });
    expect(attempt!.score).toBeGreaterThanOrEqual(0);
    expect(attempt!.score).toBeLessThanOrEqual(4);
  });

  it('acknowledges within 3 seconds while the model takes 10 seconds, then falls back', async () => {
    h = await startHarness({ env: { LLM_TIMEOUT_MS: '800' } });
    scriptTutor(h.llm, kvShortGrading({ keys: 'keys and values' }), 'late', { delayMs: 10_000 });
    const { user, question } = await openShortQuiz(h);
    await h.sim.clickButton({ message: question, user, customId: buttonByLabel(question, 'Answer') }).ack;
    const submit = h.sim.submitModal({ user, fields: { answer: 'It keeps keys and values in memory as the length grows.' } });
    expect((await submit.ack).elapsedMs).toBeLessThan(3000);
    const verdict = await submit.waitForOriginal(isVerdict, 20_000);
    expect(field(verdict, 'Tutor feedback')).toContain('Provisional score');
    expect(h.sim.failures.filter((f) => f.kind === 'late-ack' || f.kind === 'unacknowledged')).toEqual([]);
  });

  it('quotes an answer containing @everyone without pinging anyone', async () => {
    h = await startHarness();
    scriptTutor(h.llm, kvShortGrading({ keys: 'keys and values' }), 'ok');
    const { user, thread } = await openShortQuiz(h);
    h.sim.postMessage({ channelId: thread.id, user, content: '@everyone it caches keys and values <@&123456789012345678>' });
    const verdict = await h.sim.waitForMessage(thread.id, isVerdict, 10_000);
    expect(field(verdict, 'Your answer')).toContain('@everyone');
    expect(verdict.allowed_mentions).toMatchObject({ parse: [] });
    expect(verdict.pings).toEqual({ users: [], roles: [], everyone: false });
    const botWrites = h.sim.requests.filter((r) => (r.method === 'POST' || r.method === 'PATCH') && /messages|webhooks|callback/.test(r.path));
    expect(botWrites.length).toBeGreaterThan(0);
    type Payload = { content?: string; embeds?: unknown[]; allowed_mentions?: { parse?: unknown[] } };
    for (const request of botWrites) {
      const body = request.body as (Payload & { data?: Payload }) | undefined;
      const payload = body?.data ?? body;
      // Every message the bot writes or edits says explicitly that nothing may be parsed for mentions.
      if (payload && (payload.content !== undefined || payload.embeds !== undefined)) {
        expect(payload.allowed_mentions?.parse, `${request.method} ${request.path}`).toEqual([]);
      }
    }
    for (const message of h.sim.messages(thread.id).filter((m) => m.author.bot)) {
      expect(message.pings, message.id).toEqual({ users: [], roles: [], everyone: false });
    }
  });
});
