import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  SlashCommandBuilder,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Interaction,
  type Message,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startDiscordSimulator, type DiscordSimulator } from './discord-simulator/index.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Running {
  sim: DiscordSimulator;
  client: Client;
}

const running: Running[] = [];

afterEach(async () => {
  for (const { sim, client } of running.splice(0)) {
    await client.destroy();
    await sim.close();
  }
});

/** A bare discord.js bot connected to a fresh simulator; `onInteraction` is its whole behaviour. */
async function connectBareBot(
  onInteraction: (interaction: Interaction) => Promise<unknown> | void,
  options: { intents?: GatewayIntentBits[]; sim?: Parameters<typeof startDiscordSimulator>[0] } = {},
): Promise<Running> {
  const sim = await startDiscordSimulator(options.sim);
  const client = new Client({
    intents: options.intents ?? [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    rest: { api: sim.apiUrl },
    allowedMentions: { parse: [] },
  });
  const handle = { sim, client };
  running.push(handle);
  client.on(Events.InteractionCreate, (interaction) => {
    void Promise.resolve(onInteraction(interaction)).catch((error: unknown) => console.error('bare bot handler failed', error));
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(sim.token);
  await ready;
  return handle;
}

describe('the Discord simulator driving a real discord.js client', () => {
  it('lets a bot log in, see the seeded guild and its channels, and reply to a slash command', async () => {
    const { sim, client } = await connectBareBot(async (interaction) => {
      if (interaction.isChatInputCommand()) {
        await interaction.reply({ content: `Quiz on ${interaction.options.getString('topic', true)} for <@${interaction.user.id}>` });
      }
    });
    expect(client.user?.id).toBe(sim.botUserId);
    const guild = client.guilds.cache.get(sim.guildId);
    expect(guild?.name).toBe('Study Hall');
    expect(guild?.channels.cache.map((c) => c.name).sort()).toEqual(['general', 'quiz']);

    const learner = sim.createUser({ username: 'mei', locale: 'zh-CN' });
    const handle = sim.slashCommand({ name: 'quiz', user: learner, channelId: sim.channelId('quiz'), options: { topic: 'algebra' } });
    const ack = await handle.ack;
    expect(ack.type).toBe(4);
    expect(ack.elapsedMs).toBeLessThan(3000);
    const reply = handle.original();
    expect(reply?.content).toBe(`Quiz on algebra for <@${learner.id}>`);
    expect(reply?.channel_id).toBe(sim.channelId('quiz'));
    // The client-wide allowedMentions reached Discord, so the learner is named but not pinged.
    expect(reply?.allowed_mentions).toEqual({ parse: [] });
    expect(reply?.pings).toEqual({ users: [], roles: [], everyone: false });
    expect(sim.messages(sim.channelId('quiz')).map((m) => m.content)).toEqual([`Quiz on algebra for <@${learner.id}>`]);
    expect(sim.failures).toEqual([]);
  });

  it('passes registered option types, subcommands and the user locale to the bot', async () => {
    const seen: string[] = [];
    const { sim, client } = await connectBareBot(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push(`${interaction.options.getSubcommand()} ${interaction.options.getInteger('count')} ${interaction.locale}`);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply('done');
    });
    await client.application?.commands.set([
      new SlashCommandBuilder().setName('bank').setDescription('Question banks')
        .addSubcommand((s) => s.setName('list').setDescription('List banks').addIntegerOption((o) => o.setName('count').setDescription('How many')))
        .toJSON(),
    ]);
    expect(sim.commands.global.map((c) => c.name)).toEqual(['bank']);
    const learner = sim.createUser({ username: 'li', locale: 'zh-CN' });
    const handle = sim.slashCommand({ name: 'bank', subcommand: 'list', options: { count: 3 }, user: learner });
    expect((await handle.ack).type).toBe(5);
    const reply = await handle.waitForOriginal((m) => m.content === 'done');
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(seen).toEqual(['list 3 zh-CN']);
    expect(() => sim.slashCommand({ name: 'bank', subcommand: 'list', options: { colour: 'red' }, user: learner })).toThrow(/no option "colour"/);
  });

  it('updates the message a button sits on when the bot answers the click with update()', async () => {
    const { sim } = await connectBareBot(async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('quiz:answer:1:a').setLabel('A').setStyle(ButtonStyle.Primary),
          new ButtonBuilder().setCustomId('quiz:answer:1:b').setLabel('B').setStyle(ButtonStyle.Secondary),
        );
        await interaction.reply({ content: 'What is 2 + 2? A) 4 B) 5', components: [row] });
      } else if (interaction.isButton()) {
        await interaction.update({ content: `You chose ${interaction.customId.split(':').at(-1)}: correct`, components: [] });
      }
    });
    const learner = sim.createUser({ username: 'sam' });
    const question = await sim.slashCommand({ name: 'quiz', user: learner }).waitForOriginal();
    expect(() => sim.clickButton({ message: question, customId: 'quiz:answer:1:z', user: learner })).toThrow(/no button/);

    const click = sim.clickButton({ message: question, customId: 'quiz:answer:1:a', user: learner });
    expect((await click.ack).type).toBe(7);
    const updated = sim.message(question.id);
    expect(updated?.content).toBe('You chose a: correct');
    expect(updated?.components).toEqual([]);
    expect(click.original()?.id).toBe(question.id);
  });

  it('lets a user click a button on a message seeded as the bot\'s earlier post, without telling the bot about it', async () => {
    const clicked: string[] = [];
    const { sim } = await connectBareBot(async (interaction) => {
      if (!interaction.isButton()) return;
      clicked.push(`${interaction.customId} on ${interaction.message.id}`);
      await interaction.deferUpdate();
    });
    const old = sim.seedBotMessage({
      channelId: sim.channelId('quiz'),
      content: 'Question from before the restart',
      components: [{ type: 1, components: [{ type: 2, style: 1, label: 'A', custom_id: 'quiz:answer:s1:q1:a' }] }],
    });
    expect(old.author.id).toBe(sim.botUserId);
    const learner = sim.createUser({ username: 'ben' });
    const click = sim.clickButton({ message: old, customId: 'quiz:answer:s1:q1:a', user: learner });
    expect((await click.ack).type).toBe(6);
    expect(clicked).toEqual([`quiz:answer:s1:q1:a on ${old.id}`]);
    expect(() => sim.seedBotMessage({ channelId: sim.channelId('quiz'), content: 'x'.repeat(2001) })).toThrow(/2000 or fewer/);
  });

  it('serves autocomplete choices, reply fetches, follow-up edits, deletions and the application object', async () => {
    const { sim, client } = await connectBareBot(async (interaction) => {
      if (interaction.isAutocomplete()) {
        const typed = interaction.options.getFocused();
        await interaction.respond(['algebra', 'biology', 'chemistry'].filter((t) => t.startsWith(typed)).map((t) => ({ name: t, value: t })));
      } else if (interaction.isChatInputCommand()) {
        await interaction.reply('Working…');
        const fetched = await interaction.fetchReply();
        const followUp = await interaction.followUp(`Fetched ${fetched.content}`);
        await interaction.editReply({ message: followUp.id, content: 'Edited follow-up' });
        await interaction.deleteReply();
      }
    });
    const application = await client.application?.fetch();
    expect(application?.id).toBe(sim.applicationId);

    const learner = sim.createUser({ username: 'ada' });
    const typing = sim.autocomplete({ name: 'quiz', user: learner, options: { bank: 'b' }, focused: 'bank' });
    expect((await typing.ack).type).toBe(8);
    expect(typing.choices()).toEqual([{ name: 'biology', value: 'biology' }]);

    const run = sim.slashCommand({ name: 'quiz', user: learner });
    await sim.waitFor(() => run.followUps()[0]?.content === 'Edited follow-up' && !run.original());
    expect(sim.messages(sim.channelId('general')).map((m) => m.content)).toEqual(['Edited follow-up']);
    expect(sim.requests.map((r) => `${r.method} ${r.path.replace(/\/webhooks\/\d+\/[^/]+/, '/webhooks/:app/:token')}`)).toEqual(
      expect.arrayContaining(['GET /webhooks/:app/:token/messages/@original', 'DELETE /webhooks/:app/:token/messages/@original']),
    );
    expect(sim.failures).toEqual([]);
  });

  it('delivers a select menu choice and rejects values the menu does not offer', async () => {
    const { sim } = await connectBareBot(async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const menu = new StringSelectMenuBuilder().setCustomId('pick-bank').addOptions(
          { label: 'Algebra', value: 'algebra' },
          { label: 'Biology', value: 'biology' },
        );
        await interaction.reply({ content: 'Pick a bank', components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)] });
      } else if (interaction.isStringSelectMenu()) {
        await interaction.reply({ content: `Bank: ${interaction.values.join(',')}`, flags: MessageFlags.Ephemeral });
      }
    });
    const learner = sim.createUser({ username: 'ana' });
    const menuMessage = await sim.slashCommand({ name: 'quiz', user: learner }).waitForOriginal();
    expect(() => sim.selectMenu({ message: menuMessage, customId: 'pick-bank', values: ['chemistry'], user: learner })).toThrow(/does not offer chemistry/);
    const choice = sim.selectMenu({ message: menuMessage, customId: 'pick-bank', values: ['biology'], user: learner });
    expect((await choice.ack).type).toBe(4);
    expect(choice.original()?.content).toBe('Bank: biology');
  });

  it('shows a 14.28 label-component modal and delivers the submitted text to getTextInputValue', async () => {
    const answers: string[] = [];
    const { sim } = await connectBareBot(async (interaction) => {
      if (interaction.isButton()) {
        const modal = new ModalBuilder().setCustomId('quiz:essay:1').setTitle('Your answer').addLabelComponents(
          new LabelBuilder().setLabel('Explain photosynthesis').setTextInputComponent(
            new TextInputBuilder().setCustomId('answer').setStyle(TextInputStyle.Paragraph).setMaxLength(1000),
          ),
        );
        await interaction.showModal(modal);
      } else if (interaction.isModalSubmit()) {
        answers.push(interaction.fields.getTextInputValue('answer'));
        await interaction.reply({ content: 'Answer received' });
      } else if (interaction.isChatInputCommand()) {
        await interaction.reply({
          content: 'Essay question',
          components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('open').setLabel('Answer').setStyle(ButtonStyle.Primary))],
        });
      }
    });
    const learner = sim.createUser({ username: 'kai' });
    const question = await sim.slashCommand({ name: 'quiz', user: learner }).waitForOriginal();
    const open = sim.clickButton({ message: question, customId: 'open', user: learner });
    expect((await open.ack).type).toBe(9);
    expect(sim.lastModal?.title).toBe('Your answer');
    expect(sim.lastModal?.components[0]?.type).toBe(18);

    expect(() => sim.submitModal({ user: learner, fields: { answer: 'x'.repeat(1001) } })).toThrow(/at most 1000/);
    const submit = sim.submitModal({ user: learner, fields: { answer: 'Plants turn light into sugar.' } });
    expect((await submit.ack).type).toBe(4);
    expect(answers).toEqual(['Plants turn light into sugar.']);
    expect(submit.payload.message).toMatchObject({ id: question.id });
  });

  it('creates threads, dispatches THREAD_CREATE to the bot and refuses where the bot may not create them', async () => {
    const created: string[] = [];
    const { sim, client } = await connectBareBot(
      async (interaction) => {
        if (!interaction.isChatInputCommand() || interaction.channel?.type !== ChannelType.GuildText) return;
        await interaction.deferReply();
        try {
          const thread = await interaction.channel.threads.create({ name: `Quiz: ${interaction.user.username}`, type: ChannelType.PublicThread });
          await thread.send('First question');
          await interaction.editReply(`Started <#${thread.id}>`);
        } catch (error) {
          await interaction.editReply(`Could not start a thread: ${(error as Error).message}`);
        }
      },
      { sim: { guilds: [{ name: 'Lab', channels: [{ name: 'open' }, { name: 'closed', botDeny: ['CreatePublicThreads'] }] }] } },
    );
    client.on(Events.ThreadCreate, (thread, newlyCreated) => created.push(`${thread.name}:${newlyCreated}`));
    const learner = sim.createUser({ username: 'ola' });

    const inOpen = sim.slashCommand({ name: 'quiz', user: learner, channelId: sim.channelId('open') });
    const reply = await inOpen.waitForOriginal();
    const [thread] = sim.threads(sim.channelId('open'));
    expect(thread?.name).toBe('Quiz: ola');
    expect(reply.content).toBe(`Started <#${thread?.id}>`);
    expect(sim.messages(thread?.id ?? '').map((m) => m.content)).toEqual(['First question']);
    await sim.waitFor(() => created.length > 0);
    expect(created).toEqual(['Quiz: ola:true']);

    const inClosed = sim.slashCommand({ name: 'quiz', user: learner, channelId: sim.channelId('closed') });
    const refusal = await inClosed.waitForOriginal();
    expect(refusal.content).toBe('Could not start a thread: Missing Permissions');
    expect(sim.threads(sim.channelId('closed'))).toEqual([]);
    expect(sim.failures.map((f) => f.kind)).toEqual(['missing-permission']);
  });

  it('opens a private thread with the learner added, a thread from a reply, and answers a message in the thread', async () => {
    const { sim, client } = await connectBareBot(
      async (interaction) => {
        if (!interaction.isChatInputCommand() || interaction.channel?.type !== ChannelType.GuildText) return;
        const response = await interaction.reply({ content: 'Quiz card', withResponse: true });
        const card = response.resource?.message;
        if (!card) throw new Error('no card in the callback response');
        const channel = interaction.channel;
        const thread = interaction.options.getBoolean('private')
          ? await channel.threads.create({ name: 'Private quiz', type: ChannelType.PrivateThread, invitable: false, autoArchiveDuration: 1440 })
          : await channel.threads.create({ name: 'Public quiz', startMessage: card.id, autoArchiveDuration: 1440 });
        if (thread.type === ChannelType.PrivateThread) await thread.members.add(interaction.user.id);
        await thread.send('Question 1: 2 + 2?');
      },
      { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent] },
    );
    client.on(Events.MessageCreate, (message) => {
      if (message.author.bot || !message.channel.isThread()) return;
      void message.reply(`You said ${message.content}`);
    });
    const learner = sim.createUser({ username: 'rin' });
    const outsider = sim.createUser({ username: 'tom' });

    const privateQuiz = sim.slashCommand({ name: 'quiz', user: learner, options: { private: true } });
    await privateQuiz.ack;
    const privateThread = await sim.waitFor(() => sim.threads().find((t) => t.name === 'Private quiz'));
    await sim.waitForMessage(privateThread.id, (m) => m.content === 'Question 1: 2 + 2?');
    expect(privateThread.type).toBe(ChannelType.PrivateThread);
    expect([...privateThread.memberIds].sort()).toEqual([sim.botUserId, learner.id].sort());
    expect(() => sim.postMessage({ channelId: privateThread.id, user: outsider, content: 'let me in' })).toThrow(/cannot see/);

    const answer = sim.postMessage({ channelId: privateThread.id, user: learner, content: '4' });
    const reply = await sim.waitForMessage(privateThread.id, (m) => m.author.id === sim.botUserId && m.content === 'You said 4');
    expect(reply.message_reference).toMatchObject({ message_id: answer.id });
    // discord.js does not ping the replied-to user when the client disallows mentions.
    expect(reply.pings.users).toEqual([]);

    const publicQuiz = sim.slashCommand({ name: 'quiz', user: learner, options: { private: false } });
    const card = await publicQuiz.waitForOriginal();
    const publicThread = await sim.waitFor(() => sim.threads().find((t) => t.name === 'Public quiz'));
    expect(publicThread.id).toBe(card.id);
    expect(publicThread.starterMessageId).toBe(card.id);
    expect(sim.failures).toEqual([]);
  });

  it('hands an uploaded file to a command as an attachment option the bot can download', async () => {
    const { sim } = await connectBareBot(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const file = interaction.options.getAttachment('file', true);
      const text = await (await fetch(file.url)).text();
      await interaction.reply(`${file.name}: ${text.length} characters, first line "${text.split('\n')[0]}"`);
    });
    const teacher = sim.createUser({ username: 'ms-wu' });
    const handle = sim.slashCommand({ name: 'bank', user: teacher, options: { file: { filename: 'bank.csv', data: Buffer.from('question,answer\n2+2,4\n'), contentType: 'text/csv' } } });
    const reply = await handle.waitForOriginal();
    expect(reply.content).toBe('bank.csv: 22 characters, first line "question,answer"');
  });

  it.each([
    { intent: 'with', intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent], expected: 'what is a mitochondrion?' },
    { intent: 'without', intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], expected: '' },
  ])('delivers a member message to the bot $intent the MessageContent intent', async ({ intents, expected }) => {
    const { sim, client } = await connectBareBot(() => undefined, { intents });
    const received: Message[] = [];
    client.on(Events.MessageCreate, (message) => void received.push(message));
    const learner = sim.createUser({ username: 'noor' });
    const posted = sim.postMessage({ channelId: sim.channelId('general'), user: learner, content: 'what is a mitochondrion?' });
    await sim.waitFor(() => received.length > 0);
    expect(received[0]?.id).toBe(posted.id);
    expect(received[0]?.content).toBe(expected);
    expect(received[0]?.author.id).toBe(learner.id);
  });

  it('answers member look-ups over REST and the gateway (by id, and by name with the GuildMembers intent)', async () => {
    const { sim, client } = await connectBareBot(() => undefined, { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers] });
    const teacher = sim.createRole(sim.guildId, { name: 'Teacher', permissions: ['ManageGuild'] });
    const wu = sim.createUser({ username: 'ms-wu', roles: ['Teacher'] });
    const guild = client.guilds.cache.get(sim.guildId);
    if (!guild) throw new Error('guild not cached');
    guild.members.cache.clear();
    const fetched = await guild.members.fetch({ user: wu.id, force: true });
    expect(fetched.roles.cache.has(teacher.id)).toBe(true);
    expect(fetched.permissions.has('ManageGuild')).toBe(true);
    const byIds = await guild.members.fetch({ user: [wu.id, sim.botUserId] });
    expect([...byIds.keys()].sort()).toEqual([wu.id, sim.botUserId].sort());
    const byName = await guild.members.fetch({ query: 'ms-', limit: 10 });
    expect([...byName.values()].map((m) => m.user.username)).toEqual(['ms-wu']);
    await expect(guild.members.fetch({ user: '1234567890123456789', force: true })).rejects.toThrow(/Unknown Member/);
  });

  it('rejects a privileged intent the application has not enabled', async () => {
    const sim = await startDiscordSimulator({ privilegedIntents: { messageContent: false } });
    const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent], rest: { api: sim.apiUrl } });
    running.push({ sim, client });
    await expect(client.login(sim.token)).rejects.toThrow(/disallowed intent/i);
  });

  it('answers a callback after the ack deadline (3 s by default, 200 ms here) with 10062 and a second acknowledgement with 40060', async () => {
    const outcomes: string[] = [];
    const { sim } = await connectBareBot(
      async (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        if (interaction.commandName === 'slow') await new Promise((r) => setTimeout(r, 400));
        await interaction.reply('first').catch((e: { code?: number }) => outcomes.push(`reply:${e.code}`));
        if (interaction.commandName === 'twice') {
          await interaction.client.rest
            .post(`/interactions/${interaction.id}/${interaction.token}/callback`, { body: { type: 4, data: { content: 'again' } }, auth: false })
            .catch((e: { code?: number }) => outcomes.push(`second:${e.code}`));
        }
      },
      { sim: { ackDeadlineMs: 200 } },
    );
    const learner = sim.createUser({ username: 'ivo' });
    const slow = sim.slashCommand({ name: 'slow', user: learner });
    await expect(slow.ack).rejects.toThrow(/not acknowledged within 200 ms/);
    await sim.waitFor(() => outcomes.includes('reply:10062'));
    expect(slow.callbacks.map((c) => c.errorCode)).toEqual([10062]);

    const twice = sim.slashCommand({ name: 'twice', user: learner });
    await twice.ack;
    await sim.waitFor(() => outcomes.includes('second:40060'));
    expect(twice.callbacks.map((c) => c.status)).toEqual([204, 400]);
    expect(sim.failures.map((f) => f.kind)).toEqual(['unacknowledged', 'late-ack', 'double-ack']);
  });

  it('keeps the bytes of a file attached to a reply and to a follow-up', async () => {
    const png = Buffer.concat([PNG_SIGNATURE, Buffer.from('chart-bytes')]);
    const { sim } = await connectBareBot(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.editReply({ content: 'Your progress', files: [new AttachmentBuilder(png, { name: 'progress.png' })] });
      await interaction.followUp({ content: 'As text', files: [new AttachmentBuilder(Buffer.from('a,b\n1,2\n'), { name: 'progress.csv' })] });
    });
    const learner = sim.createUser({ username: 'zoe' });
    const stats = sim.slashCommand({ name: 'stats', user: learner });
    const reply = await stats.waitForOriginal((m) => m.attachments.length > 0);
    expect(reply.attachments[0]?.filename).toBe('progress.png');
    expect(reply.attachments[0]?.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const followUp = await stats.waitForFollowUp();
    expect(followUp.attachments[0]?.data.toString()).toBe('a,b\n1,2\n');
    const served = await fetch(reply.attachments[0]?.url ?? '');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
  });

  it('injects rate limits that discord.js waits out and server errors that reach the bot', async () => {
    const outcomes: string[] = [];
    const { sim } = await connectBareBot(async (interaction) => {
      if (!interaction.isChatInputCommand() || interaction.channel?.type !== ChannelType.GuildText) return;
      await interaction.deferReply();
      try {
        const thread = await interaction.channel.threads.create({ name: interaction.commandName });
        outcomes.push(`thread ${thread.name}`);
      } catch (error) {
        outcomes.push(`failed ${(error as { status?: number }).status}`);
      }
      await interaction.editReply('done');
    });
    const learner = sim.createUser({ username: 'kim' });
    sim.injectFault({ method: 'POST', path: '/threads', status: 429, retryAfterSeconds: 0.2 });
    const limited = sim.slashCommand({ name: 'limited', user: learner });
    await limited.waitForOriginal((m) => m.content === 'done');
    expect(outcomes).toEqual(['thread limited']);
    expect(sim.requests.filter((r) => r.path.endsWith('/threads')).map((r) => r.status)).toEqual([429, 200]);

    sim.injectFault({ method: 'POST', path: /\/threads$/, status: 403, body: { message: 'Missing Access', code: 50001 } });
    const refused = sim.slashCommand({ name: 'refused', user: learner });
    await refused.waitForOriginal((m) => m.content === 'done');
    expect(outcomes).toEqual(['thread limited', 'failed 403']);
    expect(sim.threads().map((t) => t.name)).toEqual(['limited']);
  });

  it('rejects content Discord would reject and logs routes it does not simulate', async () => {
    const errors: string[] = [];
    const { sim, client } = await connectBareBot(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply('x'.repeat(2001)).catch((e: { code?: number }) => errors.push(`long:${e.code}`));
      await interaction.reply('short').catch((e: { code?: number }) => errors.push(`short:${e.code}`));
    });
    const learner = sim.createUser({ username: 'eli' });
    const handle = sim.slashCommand({ name: 'quiz', user: learner });
    await handle.ack;
    expect(errors).toEqual(['long:50035']);
    expect(handle.original()?.content).toBe('short');

    await expect(client.rest.get('/guilds/1234567890123456789/emojis')).rejects.toThrow();
    expect(sim.failures.map((f) => f.kind)).toEqual(['invalid-body', 'unknown-route']);
    expect(sim.failures[1]?.detail).toMatch(/GET \/api\/v10\/guilds\/1234567890123456789\/emojis/);
  });
});
