import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { BankInput } from '../../src/bank/schema.ts';
import type { StoredMessage } from '../support/discord-simulator/index.ts';
import {
  buttonByLabel,
  buttonByPrefix,
  closeAndCheckHarnessAfterEach,
  componentsOf,
  e2eBank,
  embedOf,
  field,
  isVerdict,
  startHarness,
  startQuizInThread,
  verdictEmbed,
  type Harness,
} from './harness.ts';
import { kvShortGrading, scriptTutor } from './llm.ts';

/**
 * The quiz against a Discord that misbehaves as the real one does: a moderator deletes the message
 * the bot is editing, a thread archives or is locked while the tutor grades, REST answers 429 and
 * 5xx, the gateway drops. In every case the learner sees the verdict and a working Next, and each
 * answer is stored exactly once. The harness checks after each test that every interaction was
 * acknowledged in time and nothing the bot wrote could ping.
 */

const question = (id: string) => e2eBank.questions.find((q) => q.id === id)!;

/** A short answer graded by the tutor, then a true/false question: a verdict with a real Next. */
const faultsBank: BankInput = {
  id: 'faults',
  title: 'Faults',
  language: 'en-US',
  source: 'written for the Discord fault tests',
  questions: [question('kv-short'), question('prune-tf')],
};

const SHORT_ANSWER = 'It stores the keys and values of previous tokens, and the memory grows with sequence length.';
const FULL_MARKS = kvShortGrading({ keys: 'stores the keys and values of previous tokens', memory: 'the memory grows with sequence length' });

/** Attempts stored for a session, read from the SQLite file itself: [question, score] in order. */
function storedAttempts(h: Harness, sessionId: string): Array<[string, number]> {
  const db = new Database(path.join(h.dir, 'tutor.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT question_id, score FROM attempts WHERE session_id = ? ORDER BY id').all(sessionId) as Array<{ question_id: string; score: number }>;
    return rows.map((row) => [row.question_id, row.score]);
  } finally {
    db.close();
  }
}

function sessionIdOf(message: StoredMessage): string {
  return buttonByPrefix(message, 'quiz:').split(':')[2]!;
}

function isQuestion(title: RegExp) {
  return (m: StoredMessage) => m.embeds.length > 0 && title.test(embedOf(m).title ?? '');
}

/** Nothing the learner can see says the bot failed. */
function apologies(h: Harness): StoredMessage[] {
  return [...h.sim.threads(), { id: h.sim.channelId('quiz') }].flatMap((c) => h.sim.messages(c.id)).filter((m) => /Sorry|something went wrong|already answered/i.test(m.content));
}

async function startFaultsQuiz(h: Harness) {
  const ada = h.sim.createUser({ username: 'ada', locale: 'en-US' });
  const started = await startQuizInThread(h.sim, ada, { bank: 'faults' });
  return { ada, ...started, sessionId: sessionIdOf(started.question) };
}

/** Goes on from a verdict: Next posts question 2/2 (true/false), and answering it works. */
async function goOn(h: Harness, ada: ReturnType<Harness['sim']['createUser']>, verdict: StoredMessage) {
  const next = h.sim.clickButton({ message: verdict, user: ada, customId: buttonByLabel(verdict, 'Next') });
  expect((await next.ack).elapsedMs).toBeLessThan(3000);
  const second = await next.waitForFollowUp(isQuestion(/^Question 2\/2/));
  const click = h.sim.clickButton({ message: second, user: ada, customId: buttonByLabel(second, 'False') });
  const answered = await click.waitForOriginal(isVerdict);
  expect(verdictEmbed(answered).title).toBe('✅ Correct');
  return second;
}

async function openAndSubmit(h: Harness, ada: ReturnType<Harness['sim']['createUser']>, questionMessage: StoredMessage, answer = SHORT_ANSWER) {
  await h.sim.clickButton({ message: questionMessage, user: ada, customId: buttonByLabel(questionMessage, 'Answer') }).ack;
  const submit = h.sim.submitModal({ user: ada, fields: { answer } });
  expect((await submit.ack).elapsedMs).toBeLessThan(3000);
  const grading = await submit.waitForOriginal((m) => m.content.includes('Grading your answer'));
  return { submit, grading };
}

describe('results that survive a misbehaving Discord', () => {
  let h: Harness;
  closeAndCheckHarnessAfterEach(() => h);

  it('posts the next question anew when a moderator deletes the verdict as Next edits it', async () => {
    h = await startHarness({ extraBanks: [faultsBank] });
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { thread, question: first } = await startQuizInThread(sim, ada, { topic: 'caching', count: 2 });
    const sessionId = sessionIdOf(first);
    const verdict = await sim.clickButton({ message: first, user: ada, customId: buttonByLabel(first, 'B. KV cache') }).waitForOriginal(isVerdict);
    expect(verdict.id).toBe(first.id); // a button answer turns the question itself into the verdict

    sim.beforeRequest({ method: 'PATCH', path: '/messages/@original', run: () => sim.deleteMessage(verdict.id) });
    const next = sim.clickButton({ message: verdict, user: ada, customId: buttonByLabel(verdict, 'Next') });
    expect((await next.ack).type).toBe(6);
    const second = await next.waitForFollowUp(isQuestion(/^Question 2\/2 · Short answer/));
    expect(second.channel_id).toBe(thread.id);
    expect(sim.message(verdict.id)!.deleted).toBe(true);
    expect(sim.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`${next.token}/messages/@original`)).map((r) => r.status)).toEqual([404]);

    // The posted question works: its Answer opens the modal and the answer is graded.
    scriptTutor(h.llm, FULL_MARKS, 'ok');
    const { submit } = await openAndSubmit(h, ada, second);
    const graded = await submit.waitForOriginal(isVerdict, 10_000);
    expect(verdictEmbed(graded).description).toContain('4 / 4 points');
    expect(storedAttempts(h, sessionId)).toEqual([['kv-choice', 2], ['kv-short', 4]]);
    expect(apologies(h)).toEqual([]);
  });

  it('posts the verdict anew when the “Grading…” reply is deleted while a slow tutor grades', async () => {
    h = await startHarness({ extraBanks: [faultsBank] });
    scriptTutor(h.llm, FULL_MARKS, 'ok', { delayMs: 1_500 });
    const { ada, thread, question: first, sessionId } = await startFaultsQuiz(h);
    const { submit, grading } = await openAndSubmit(h, ada, first);
    expect(storedAttempts(h, sessionId)).toEqual([]); // the model is still thinking…
    h.sim.deleteMessage(grading.id); // …when a moderator deletes the reply

    const verdict = await submit.waitForFollowUp(isVerdict, 10_000);
    expect(verdict.channel_id).toBe(thread.id);
    expect(verdict.flags & 64).toBe(0); // public, in the thread
    expect(verdictEmbed(verdict).description).toContain('4 / 4 points');
    expect(componentsOf(verdict).map((c) => c.label)).toEqual(['Next', 'Ask', 'End', 'Appeal']);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4]]);

    await goOn(h, ada, verdict);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4], ['prune-tf', 1]]);
    expect(apologies(h)).toEqual([]);
  });

  it('reopens a thread that auto-archived while the tutor graded a modal answer, with the verdict as a new message', async () => {
    h = await startHarness({ extraBanks: [faultsBank] });
    scriptTutor(h.llm, FULL_MARKS, 'ok', { delayMs: 1_500 });
    const { ada, thread, question: first, sessionId } = await startFaultsQuiz(h);
    const { submit, grading } = await openAndSubmit(h, ada, first);
    h.sim.updateThread(thread.id, { archived: true });

    const verdict = await submit.waitForFollowUp(isVerdict, 10_000);
    expect(h.sim.channel(thread.id)!.archived).toBe(false);
    expect(h.sim.requests.some((r) => r.method === 'PATCH' && r.path.endsWith(`${submit.token}/messages/@original`) && r.status === 400)).toBe(true);
    expect(h.sim.message(grading.id)!.content).toContain('Grading your answer'); // the refused edit left it as it was
    expect(verdictEmbed(verdict).title).toBe('✅ Correct');
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4]]);

    await goOn(h, ada, verdict);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4], ['prune-tf', 1]]);
  });

  it('reopens a thread that auto-archived while the tutor graded a typed answer, replying to the answer', async () => {
    h = await startHarness({ extraBanks: [faultsBank] });
    scriptTutor(h.llm, FULL_MARKS, 'ok', { delayMs: 1_500 });
    const { ada, thread, sessionId } = await startFaultsQuiz(h);
    const typed = h.sim.postMessage({ channelId: thread.id, user: ada, content: SHORT_ANSWER });
    const grading = await h.sim.waitForMessage(thread.id, (m) => m.content.includes('Grading your answer'));
    h.sim.updateThread(thread.id, { archived: true });

    const verdict = await h.sim.waitForMessage(thread.id, isVerdict, 10_000);
    expect(verdict.id).not.toBe(grading.id);
    expect(verdict.message_reference).toMatchObject({ message_id: typed.id });
    expect(verdict.pings.users).toEqual([]);
    expect(h.sim.channel(thread.id)!.archived).toBe(false);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4]]);

    await goOn(h, ada, verdict);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4], ['prune-tf', 1]]);
  });

  it('posts the verdict of a typed answer anew, as a reply to it, when the “Grading…” reply is deleted', async () => {
    h = await startHarness({ extraBanks: [faultsBank] });
    scriptTutor(h.llm, FULL_MARKS, 'ok', { delayMs: 1_500 });
    const { ada, thread, sessionId } = await startFaultsQuiz(h);
    const typed = h.sim.postMessage({ channelId: thread.id, user: ada, content: SHORT_ANSWER });
    const grading = await h.sim.waitForMessage(thread.id, (m) => m.content.includes('Grading your answer'));
    h.sim.deleteMessage(grading.id);

    const verdict = await h.sim.waitForMessage(thread.id, isVerdict, 10_000);
    expect(verdict.message_reference).toMatchObject({ message_id: typed.id });
    expect(verdictEmbed(verdict).description).toContain('4 / 4 points');
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4]]);
    await goOn(h, ada, verdict);
    expect(apologies(h)).toEqual([]);
  });

  it('shows the stored verdict of a typed answer on the question’s Answer button when the thread was locked while grading', async () => {
    h = await startHarness({ extraBanks: [faultsBank] });
    scriptTutor(h.llm, FULL_MARKS, 'ok', { delayMs: 1_500 });
    const { ada, thread, question: first, sessionId } = await startFaultsQuiz(h);
    h.sim.postMessage({ channelId: thread.id, user: ada, content: SHORT_ANSWER });
    const grading = await h.sim.waitForMessage(thread.id, (m) => m.content.includes('Grading your answer'));
    h.sim.updateThread(thread.id, { locked: true });
    // Stored, but the locked thread takes neither the edit nor a new message.
    await h.sim.waitFor(() => storedAttempts(h, sessionId).length === 1, 10_000, 'the stored answer');
    await h.sim.waitFor(() => h.sim.requests.filter((r) => r.path === `/channels/${thread.id}/messages` && r.method === 'POST' && r.status === 403).length === 1);
    expect(h.sim.message(grading.id)!.content).toContain('Grading your answer');

    h.sim.updateThread(thread.id, { locked: false });
    const click = h.sim.clickButton({ message: first, user: ada, customId: buttonByLabel(first, 'Answer') });
    expect((await click.ack).type).toBe(7); // the verdict instead of a modal for an answered question
    const shown = await click.waitForOriginal(isVerdict);
    expect(shown.id).toBe(first.id);
    expect(verdictEmbed(shown).description).toContain('4 / 4 points');
    await goOn(h, ada, shown);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4], ['prune-tf', 1]]);
  });

  it('shows the question again, not the one after it, when Next is pressed twice because its buttons could not be removed', async () => {
    h = await startHarness();
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { thread, question: first } = await startQuizInThread(sim, ada, { topic: 'caching', count: 2 });
    const sessionId = sessionIdOf(first);
    const verdict = await sim.clickButton({ message: first, user: ada, customId: buttonByLabel(first, 'B. KV cache') }).waitForOriginal(isVerdict);
    sim.updateThread(thread.id, { archived: true });

    const next = sim.clickButton({ message: verdict, user: ada, customId: buttonByLabel(verdict, 'Next') });
    const second = await next.waitForFollowUp(isQuestion(/^Question 2\/2/));
    expect(sim.channel(thread.id)!.archived).toBe(false); // the new question reopened the thread
    expect(buttonByLabel(sim.message(verdict.id)!, 'Next')).toMatch(/^quiz:next:/); // the archived edit was refused

    const again = sim.clickButton({ message: verdict, user: ada, customId: buttonByLabel(verdict, 'Next') });
    const repeated = await again.waitForFollowUp(isQuestion(/^Question 2\/2/));
    expect(embedOf(repeated).description).toBe(embedOf(second).description);
    const session = h.store.getSession(sessionId)!;
    expect([session.status, session.position]).toEqual(['active', 1]);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-choice', 2]]);
  });

  it('posts the first question under the quiz card when the new thread is locked before it arrives', async () => {
    h = await startHarness();
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const channelId = sim.channelId('quiz');
    sim.beforeRequest({ method: 'POST', path: /^\/channels\/\d+\/messages$/, run: () => sim.updateThread(sim.threads(channelId)[0]!.id, { locked: true }) });
    const command = sim.slashCommand({ name: 'quiz', user: ada, channelId, options: { bank: 'e2e-basics', topic: 'caching', count: 2 } });
    const first = await command.waitForFollowUp(isQuestion(/^Question 1\/2/));
    expect(first.channel_id).toBe(channelId);
    const sessionId = sessionIdOf(first);
    const verdict = await sim.clickButton({ message: first, user: ada, customId: buttonByLabel(first, 'B. KV cache') }).waitForOriginal(isVerdict);
    expect(verdictEmbed(verdict).title).toBe('✅ Correct');
    const next = sim.clickButton({ message: verdict, user: ada, customId: buttonByLabel(verdict, 'Next') });
    await next.waitForFollowUp(isQuestion(/^Question 2\/2/));
    expect(storedAttempts(h, sessionId)).toEqual([['kv-choice', 2]]);
  });

  it('shows the verdict privately on a click in a locked thread, and the stored verdict with Next on a click after unlocking', async () => {
    h = await startHarness();
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { thread, question: first } = await startQuizInThread(sim, ada, { topic: 'caching', count: 2 });
    const sessionId = sessionIdOf(first);
    sim.updateThread(thread.id, { locked: true });

    const locked = sim.clickButton({ message: first, user: ada, customId: buttonByLabel(first, 'B. KV cache') });
    const ack = await locked.ack;
    expect(locked.callbacks.map((c) => [c.type, c.status, c.errorCode ?? null])).toEqual([
      [7, 400, 160005], // Discord refuses to change the question in a locked thread…
      [4, 400, 160005], // …and to post a public reply there…
      [4, 204, null], // …but the learner sees it privately
    ]);
    expect((ack.data as { flags: number }).flags & 64).toBe(64);
    const privateVerdict = await locked.waitForOriginal(isVerdict);
    expect(verdictEmbed(privateVerdict).title).toBe('✅ Correct');
    expect(componentsOf(privateVerdict).map((c) => c.label)).toEqual(['Next', 'Ask', 'End', 'Appeal']);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-choice', 2]]);

    sim.updateThread(thread.id, { locked: false });
    const again = sim.clickButton({ message: first, user: ada, customId: buttonByLabel(first, 'B. KV cache') });
    expect((await again.ack).type).toBe(7); // the question itself now shows the stored verdict
    const shown = await again.waitForOriginal(isVerdict);
    expect(shown.id).toBe(first.id);
    expect(verdictEmbed(shown).title).toBe('✅ Correct');
    expect(embedOf(shown).description).toContain('Which technique keeps the keys and values');
    expect(componentsOf(shown).map((c) => c.label)).toEqual(['Next', 'Ask', 'End', 'Appeal']);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-choice', 2]]); // shown again, not graded again

    const next = sim.clickButton({ message: shown, user: ada, customId: buttonByLabel(shown, 'Next') });
    const second = await next.waitForFollowUp(isQuestion(/^Question 2\/2 · Short answer/));
    expect(second.flags & 64).toBe(0);
    expect(second.channel_id).toBe(thread.id);
    expect(apologies(h)).toEqual([]);
  });

  it('lets the learner go on privately while the thread stays locked', async () => {
    h = await startHarness({ extraBanks: [faultsBank] });
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { thread, question: first } = await startQuizInThread(sim, ada, { topic: 'caching', count: 2 });
    const sessionId = sessionIdOf(first);
    sim.updateThread(thread.id, { locked: true });
    const privateVerdict = await sim.clickButton({ message: first, user: ada, customId: buttonByLabel(first, 'B. KV cache') }).waitForOriginal(isVerdict);

    const next = sim.clickButton({ message: privateVerdict, user: ada, customId: buttonByLabel(privateVerdict, 'Next') });
    expect((await next.ack).type).toBe(6);
    const second = await next.waitForFollowUp(isQuestion(/^Question 2\/2 · Short answer/));
    expect(second.flags & 64).toBe(64);
    // The private copy lost its Next, so the quiz cannot be skipped ahead by clicking it twice.
    await sim.waitFor(() => componentsOf(sim.message(privateVerdict.id)!).length === 0);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-choice', 2]]);
  });

  it('grades a modal answer sent in a locked thread, with “Grading…” and the verdict shown privately', async () => {
    h = await startHarness({ extraBanks: [faultsBank] });
    scriptTutor(h.llm, FULL_MARKS, 'ok');
    const { ada, thread, question: first, sessionId } = await startFaultsQuiz(h);
    await h.sim.clickButton({ message: first, user: ada, customId: buttonByLabel(first, 'Answer') }).ack;
    h.sim.updateThread(thread.id, { locked: true }); // locked while the learner types
    const submit = h.sim.submitModal({ user: ada, fields: { answer: SHORT_ANSWER } });
    const ack = await submit.ack;
    expect(ack.elapsedMs).toBeLessThan(3000);
    expect((ack.data as { flags: number; content: string }).flags & 64).toBe(64);
    const verdict = await submit.waitForOriginal(isVerdict, 10_000);
    expect(verdict.flags & 64).toBe(64);
    expect(verdictEmbed(verdict).description).toContain('4 / 4 points');
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4]]);

    h.sim.updateThread(thread.id, { locked: false });
    await goOn(h, ada, verdict);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4], ['prune-tf', 1]]);
    expect(apologies(h)).toEqual([]);
  });

  it('shows the stored verdict, answer as given, on a Submit from an old copy of an answered multi question', async () => {
    h = await startHarness();
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { thread, question } = await startQuizInThread(sim, ada, { type: 'multi' });
    const sessionId = sessionIdOf(question);
    await sim.selectMenu({ message: question, user: ada, customId: buttonByPrefix(question, 'quiz:select:'), values: ['C', 'A'] }).ack;
    const picked = await sim.waitFor(() => {
      const current = sim.message(question.id)!;
      return componentsOf(current).some((c) => c.custom_id?.endsWith(':AC') && !c.disabled) ? structuredClone(current) : undefined;
    });
    await sim.clickButton({ message: question, user: ada, customId: buttonByLabel(picked, 'Submit') }).waitForOriginal(isVerdict);

    // The same question still open on another device: its Submit is clicked again.
    const copy = sim.seedBotMessage({ channelId: thread.id, embeds: picked.embeds, components: picked.components });
    const again = sim.clickButton({ message: copy, user: ada, customId: buttonByLabel(copy, 'Submit') });
    expect((await again.ack).type).toBe(7);
    const shown = await again.waitForOriginal(isVerdict);
    expect(shown.id).toBe(copy.id);
    expect(verdictEmbed(shown).title).toBe('✅ Correct');
    expect(field(shown, 'Your answer')).toBe('> A, C');
    expect(componentsOf(shown).map((c) => c.label)).toEqual(['Finish', 'Ask', 'End', 'Appeal']);
    expect(storedAttempts(h, sessionId)).toEqual([['speed-multi', 2]]);
  });

  it('waits out a 429 on the verdict edit, per route and global, and retries a 5xx, showing the verdict in place', async () => {
    h = await startHarness({ extraBanks: [faultsBank] });
    scriptTutor(h.llm, FULL_MARKS, 'ok');
    const { ada, question: first, sessionId } = await startFaultsQuiz(h);
    h.sim.injectFault({ method: 'PATCH', path: '/messages/@original', status: 429, retryAfterSeconds: 0.3 });
    h.sim.injectFault({ method: 'PATCH', path: '/messages/@original', status: 429, retryAfterSeconds: 0.2, scope: 'global' });
    h.sim.injectFault({ method: 'PATCH', path: '/messages/@original', status: 502 });
    const { submit, grading } = await openAndSubmit(h, ada, first);

    const verdict = await submit.waitForOriginal(isVerdict, 10_000);
    expect(verdict.id).toBe(grading.id); // edited in place: nothing posted twice
    expect(submit.followUps()).toEqual([]);
    const edits = await h.sim.waitFor(() => {
      const found = h.sim.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`${submit.token}/messages/@original`));
      return found.at(-1)?.status === 200 ? found : undefined;
    });
    expect(edits.map((r) => r.status)).toEqual([429, 429, 502, 200]);
    expect(edits[1]!.at - edits[0]!.at).toBeGreaterThanOrEqual(250); // Retry-After was honoured
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4]]);
    await goOn(h, ada, verdict);
  });

  it('posts the verdict anew when the edit keeps failing with 5xx after discord.js’s retries', async () => {
    h = await startHarness({ extraBanks: [faultsBank] });
    scriptTutor(h.llm, FULL_MARKS, 'ok');
    const { ada, question: first, sessionId } = await startFaultsQuiz(h);
    // The first try and discord.js's three retries.
    h.sim.injectFault({ method: 'PATCH', path: '/messages/@original', status: 500, times: 4 });
    const { submit } = await openAndSubmit(h, ada, first);

    const verdict = await submit.waitForFollowUp(isVerdict, 10_000);
    expect(verdictEmbed(verdict).description).toContain('4 / 4 points');
    expect(h.sim.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`${submit.token}/messages/@original`)).map((r) => r.status)).toEqual([500, 500, 500, 500]);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4]]);
    await goOn(h, ada, verdict);
    expect(storedAttempts(h, sessionId)).toEqual([['kv-short', 4], ['prune-tf', 1]]);
  });

  it('resumes after the gateway drops mid-quiz, replaying a click made while it was down', async () => {
    h = await startHarness({ extraBanks: [faultsBank] });
    scriptTutor(h.llm, FULL_MARKS, 'ok');
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { thread, question: first } = await startQuizInThread(sim, ada, { topic: 'caching', count: 2 });
    const sessionId = sessionIdOf(first);
    const verdict = await sim.clickButton({ message: first, user: ada, customId: buttonByLabel(first, 'B. KV cache') }).waitForOriginal(isVerdict);

    sim.dropGateway();
    const next = sim.clickButton({ message: verdict, user: ada, customId: buttonByLabel(verdict, 'Next') });
    expect((await next.ack).elapsedMs).toBeLessThan(3000);
    await next.waitForFollowUp(isQuestion(/^Question 2\/2 · Short answer/));
    const resumes = sim.gatewayEvents.filter((e) => e.kind === 'resume');
    expect(sim.gatewayEvents.map((e) => e.kind)).toEqual(['identify', 'drop', 'resume']);
    expect(resumes[0]!.replayed).toBeGreaterThanOrEqual(1); // the click, sent while the bot was away

    // Messages typed after the resume still reach the bot.
    sim.postMessage({ channelId: thread.id, user: ada, content: SHORT_ANSWER });
    const graded = await sim.waitForMessage(thread.id, (m) => isVerdict(m) && m.id !== verdict.id, 10_000);
    expect(verdictEmbed(graded).description).toContain('4 / 4 points');
    expect(storedAttempts(h, sessionId)).toEqual([['kv-choice', 2], ['kv-short', 4]]);
  });

  it('identifies afresh when Discord refuses to resume the dropped session, and the quiz goes on', async () => {
    h = await startHarness({ extraBanks: [faultsBank] });
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { question: first } = await startQuizInThread(sim, ada, { topic: 'caching', count: 2 });
    const sessionId = sessionIdOf(first);
    const verdict = await sim.clickButton({ message: first, user: ada, customId: buttonByLabel(first, 'B. KV cache') }).waitForOriginal(isVerdict);

    sim.dropGateway({ invalidateSession: true });
    await sim.waitFor(() => sim.gatewayEvents.filter((e) => e.kind === 'identify').length === 2, 15_000, 'a second IDENTIFY');
    await sim.waitForReady();
    expect(sim.gatewayEvents.map((e) => e.kind)).toEqual(['identify', 'drop', 'invalid-session', 'identify']);

    const next = sim.clickButton({ message: verdict, user: ada, customId: buttonByLabel(verdict, 'Next') });
    await next.waitForFollowUp(isQuestion(/^Question 2\/2/));
    expect(storedAttempts(h, sessionId)).toEqual([['kv-choice', 2]]);
  });
});
