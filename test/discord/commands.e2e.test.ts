import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { buttonByLabel, buttonByPrefix, componentsOf, embedOf, field, closeAndCheckHarnessAfterEach, startHarness, startQuizInThread, type Harness, isVerdict, verdictEmbed } from './harness.ts';
import { kvShortGrading, scriptTutor } from './llm.ts';

/** An import runs in a worker thread, which takes a few seconds to start on a busy machine. */
const IMPORT_WAIT_MS = 20_000;

describe('the other commands', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  closeAndCheckHarnessAfterEach(() => h);

  it('registers every command in the guild through tutor deploy-commands, with Chinese names', () => {
    const registered = h.sim.commands.guild.get(h.sim.guildId)!;
    expect(registered.map((c) => c.name).sort()).toEqual(['bank', 'class', 'exam', 'forget-me', 'leaderboard', 'quiz', 'review', 'stats']);
    expect(registered.find((c) => c.name === 'quiz')).toMatchObject({ name_localizations: { 'zh-CN': '测验' } });
    expect(h.sim.commands.global).toEqual([]);
  });

  it('counts the attempts of a quiz in /stats, privately, with the 30-day chart attached', async () => {
    const ada = h.sim.createUser({ username: 'ada' });
    scriptTutor(h.llm, kvShortGrading({ keys: 'keys and values' }), 'ok');
    const choice = await startQuizInThread(h.sim, ada, { type: 'choice' });
    await h.sim.clickButton({ message: choice.question, user: ada, customId: buttonByLabel(choice.question, 'A. Pruning') }).waitForOriginal(isVerdict);
    const short = await startQuizInThread(h.sim, ada, { type: 'short' });
    h.sim.postMessage({ channelId: short.thread.id, user: ada, content: 'It caches keys and values of earlier tokens.' });
    await h.sim.waitForMessage(short.thread.id, isVerdict, 10_000);

    const stats = h.sim.slashCommand({ name: 'stats', user: ada, channelId: h.sim.channelId('general') });
    const ack = await stats.ack;
    expect(ack.type).toBe(5);
    expect((ack.data as { flags: number }).flags & 64).toBe(64);
    const reply = await stats.waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(reply).title).toBe('Progress of ada');
    expect(field(reply, 'Overview')).toContain('2 answers · accuracy 0%');
    expect(field(reply, 'By question type')).toBe('Single choice: 0/1 (0%)\nShort answer: 0/1 (0%)');
    expect(embedOf(reply).image!.url).toBe('attachment://progress-30-days.png');
    const [chart] = reply.attachments;
    expect(chart!.filename).toBe('progress-30-days.png');
    expect(chart!.data.subarray(1, 4).toString()).toBe('PNG');
  });

  it('answers /stats for someone without attempts with a plain invitation', async () => {
    const ada = h.sim.createUser({ username: 'ada', locale: 'zh-CN' });
    const reply = await h.sim.slashCommand({ name: 'stats', user: ada, channelId: h.sim.channelId('general') }).waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(reply).description).toBe(`<@${ada.id}> 还没有作答过。用 /quiz 开始吧。`);
    expect(reply.attachments).toEqual([]);
  });

  it('grades a multi question from its select menu and Submit', async () => {
    const ada = h.sim.createUser({ username: 'ada' });
    const { question } = await startQuizInThread(h.sim, ada, { type: 'multi' });
    const select = h.sim.selectMenu({ message: question, user: ada, customId: buttonByPrefix(question, 'quiz:select:'), values: ['C', 'A'] });
    await select.ack;
    const updated = await h.sim.waitFor(() => {
      const current = h.sim.message(question.id)!;
      return componentsOf(current).some((c) => c.custom_id?.endsWith(':AC') && !c.disabled) ? current : undefined;
    });
    const submit = h.sim.clickButton({ message: updated, user: ada, customId: buttonByLabel(updated, 'Submit') });
    const verdict = await submit.waitForOriginal(isVerdict);
    expect(verdictEmbed(verdict).title).toBe('✅ Correct');
    expect(field(verdict, 'Your answer')).toBe('> A, C');
  });

  it('shows the server leaderboard and the bank list', async () => {
    const ada = h.sim.createUser({ username: 'ada' });
    const { question } = await startQuizInThread(h.sim, ada, { type: 'choice' });
    await h.sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'B. KV cache') }).waitForOriginal(isVerdict);
    const board = await h.sim.slashCommand({ name: 'leaderboard', user: ada, channelId: h.sim.channelId('general') }).waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(board).title).toBe('Leaderboard: last 7 days');
    expect(embedOf(board).description).toBe(`1. <@${ada.id}>: 2 points (1 answer)`);
    const list = await h.sim.slashCommand({ name: 'bank', subcommand: 'list', user: ada, channelId: h.sim.channelId('general') }).waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(list).description).toBe('`e2e-basics` · Inference basics · 5 questions · en-US');
  });

  it('suggests banks and topics while typing', async () => {
    const ada = h.sim.createUser({ username: 'ada' });
    const banks = h.sim.autocomplete({ name: 'quiz', user: ada, channelId: h.sim.channelId('quiz'), options: { bank: 'infer' }, focused: 'bank' });
    await banks.ack;
    expect(banks.choices()).toEqual([{ name: 'Inference basics (e2e-basics)', value: 'e2e-basics' }]);
    const topics = h.sim.autocomplete({ name: 'quiz', user: ada, channelId: h.sim.channelId('quiz'), options: { bank: 'e2e-basics', topic: 'a' }, focused: 'topic' });
    await topics.ack;
    expect(topics.choices()!.map((c) => c.value)).toEqual(['caching', 'quantisation']);
  });

  it('imports a bank from an attachment for a member with Manage Server, and refuses everyone else', async () => {
    const role = h.sim.createRole(h.sim.guildId, { name: 'teacher', permissions: ['ManageGuild'] });
    const teacher = h.sim.createUser({ username: 'teacher', roles: [role.id] });
    const student = h.sim.createUser({ username: 'student' });
    const file = { filename: 'quantisation.txt', data: Buffer.from('What does INT8 quantisation store?\nA. 8-bit integers\nB. 32-bit floats\nANSWER: A\n') };

    const garbage = { filename: 'notes.bin', data: Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0]) };
    const rejected = await h.sim
      .slashCommand({ name: 'bank', subcommand: 'import', user: teacher, channelId: h.sim.channelId('general'), options: { file: garbage } })
      .waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(rejected).title).toBe('Import report: notes.bin');
    expect(embedOf(rejected).description).toBe('Nothing was saved: fix the problems below and import again.');
    expect(field(rejected, 'Problems')).toMatch(/^• .*notes\.bin/);
    expect(h.app.banks.list()).toHaveLength(1);

    const refused = await h.sim.slashCommand({ name: 'bank', subcommand: 'import', user: student, channelId: h.sim.channelId('general'), options: { file } }).waitForOriginal((m) => m.content.length > 0, IMPORT_WAIT_MS);
    expect(refused.content).toBe('Importing a bank needs the Manage Server permission.');
    expect(h.app.banks.list()).toHaveLength(1);

    const imported = await h.sim.slashCommand({ name: 'bank', subcommand: 'import', user: teacher, channelId: h.sim.channelId('general'), options: { file } }).waitForOriginal((m) => m.embeds.length > 0, IMPORT_WAIT_MS);
    expect(embedOf(imported).description).toMatch(/^Saved bank `[^`]+` with 1 question\./);
    const newBank = h.app.banks.list().find((bank) => bank.id !== 'e2e-basics')!;
    expect(newBank.questions[0]).toMatchObject({ type: 'choice', answer: 'A' });
    expect(fs.existsSync(path.join(h.dir, 'banks', `${newBank.id}.json`))).toBe(true);

    const again = await h.sim.slashCommand({ name: 'bank', subcommand: 'import', user: teacher, channelId: h.sim.channelId('general'), options: { file } }).waitForOriginal((m) => m.embeds.length > 0, IMPORT_WAIT_MS);
    expect(embedOf(again).description).toBe(`A bank with the id \`${newBank.id}\` already exists. Use replace:true to overwrite it.`);

    const edited = { filename: 'quantisation.txt', data: Buffer.from(file.data.toString().replace('ANSWER: A', 'ANSWER: B')) };
    const replaced = await h.sim
      .slashCommand({ name: 'bank', subcommand: 'import', user: teacher, channelId: h.sim.channelId('general'), options: { file: edited, replace: true } })
      .waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(replaced).description).toMatch(/^Saved bank/);
    expect(h.app.banks.get(newBank.id)!.questions[0]).toMatchObject({ answer: 'B' });
    expect(JSON.parse(fs.readFileSync(path.join(h.dir, 'banks', `${newBank.id}.json`), 'utf8')).questions[0].answer).toBe('B');
  });

  it('forgets a member after they confirm, and not before', async () => {
    const ada = h.sim.createUser({ username: 'ada' });
    const { question } = await startQuizInThread(h.sim, ada, { type: 'choice' });
    await h.sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'B. KV cache') }).waitForOriginal(isVerdict);
    const prompt = await h.sim.slashCommand({ name: 'forget-me', user: ada, channelId: h.sim.channelId('general') }).waitForOriginal((m) => m.components.length > 0);
    expect(prompt.flags & 64).toBe(64);
    expect(h.store.statsForUser(ada.id).attempts).toBe(1);
    const confirm = h.sim.clickButton({ message: prompt, user: ada, customId: buttonByLabel(prompt, 'Delete my data') });
    await confirm.ack;
    await h.sim.waitFor(() => h.sim.message(prompt.id)!.content.startsWith('Done:'));
    expect(h.sim.message(prompt.id)!.content).toBe('Done: removed 1 answer, 1 session, 0 follow-up messages and 1 review card.');
    expect(componentsOf(h.sim.message(prompt.id)!)).toEqual([]);
    expect(h.store.statsForUser(ada.id).attempts).toBe(0);
  });

  it('serves a missed question again in /review', async () => {
    const ada = h.sim.createUser({ username: 'ada' });
    const { question } = await startQuizInThread(h.sim, ada, { type: 'choice' });
    await h.sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'A. Pruning') }).waitForOriginal(isVerdict);
    const review = h.sim.slashCommand({ name: 'review', user: ada, channelId: h.sim.channelId('quiz') });
    const card = await review.waitForOriginal((m) => embedOf(m).description?.includes('<#') ?? false);
    expect(embedOf(card).description).toContain(`Review: 1 question due for <@${ada.id}>.`);
    const threadId = /<#(\d+)>/.exec(embedOf(card).description!)![1]!;
    const again = await h.sim.waitForMessage(threadId, (m) => m.embeds.length > 0);
    expect(embedOf(again).description).toContain('Which technique keeps the keys and values');
  });

  it('answers an unexpected failure with a short apology and a reference id', async () => {
    const ada = h.sim.createUser({ username: 'ada' });
    const { question } = await startQuizInThread(h.sim, ada, { type: 'choice' });
    h.app.close(); // every stored read and write now throws: not a UserError
    const click = h.sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'B. KV cache') });
    const ack = await click.ack;
    expect(ack.elapsedMs).toBeLessThan(3000);
    expect((ack.data as { content: string; flags: number }).content).toMatch(/^Sorry, something went wrong\. Reference: `[0-9A-F]{8}`\.$/);
    expect((ack.data as { flags: number }).flags & 64).toBe(64);
    const reference = /`([0-9A-F]{8})`/.exec((ack.data as { content: string }).content)![1];
    expect(h.logs.find((line) => line.msg === 'interaction failed')).toMatchObject({ interactionId: click.id, reference });
  });
});
