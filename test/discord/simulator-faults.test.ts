import { ChannelType, Client, DiscordAPIError, Events, GatewayIntentBits, MessageFlags, type Interaction, type TextChannel } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startDiscordSimulator, type DiscordSimulator } from '../support/discord-simulator/index.ts';

/**
 * The simulator's faults, seen through a bare discord.js client: each refusal arrives as the
 * DiscordAPIError code the real Discord sends, so the bot's handling of them is tested for real.
 */

const running: Array<{ sim: DiscordSimulator; client: Client }> = [];

afterEach(async () => {
  for (const { sim, client } of running.splice(0)) {
    await client.destroy();
    await sim.close();
  }
});

async function connect(onInteraction: (interaction: Interaction) => Promise<unknown> = async () => undefined) {
  const sim = await startDiscordSimulator({ quiet: true });
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: sim.apiUrl }, allowedMentions: { parse: [] } });
  running.push({ sim, client });
  client.on(Events.InteractionCreate, (interaction) => void onInteraction(interaction).catch(() => undefined));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(sim.token);
  await ready;
  const channel = (await client.channels.fetch(sim.channelId('quiz'))) as TextChannel;
  return { sim, client, channel };
}

async function codeOf(promise: Promise<unknown>): Promise<number | string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error instanceof DiscordAPIError ? error.code : String(error);
  }
}

describe('the Discord simulator’s faults', () => {
  it('answers 10008 for a message a moderator deleted and 10003 for a deleted thread', async () => {
    const { sim, channel } = await connect();
    const thread = await channel.threads.create({ name: 'quiz' });
    const message = await thread.send('question');
    sim.deleteMessage(message.id);
    expect(await codeOf(message.edit('edited'))).toBe(10008);
    expect(sim.messages(thread.id)).toEqual([]);

    sim.deleteChannel(thread.id);
    expect(await codeOf(thread.send('anyone there?'))).toBe(10003);
    expect(sim.threads()).toEqual([]);
  });

  it('refuses edits in an archived thread with 50083, and reopens it for a new message', async () => {
    const { sim, client, channel } = await connect();
    const thread = await channel.threads.create({ name: 'quiz' });
    const message = await thread.send('question');
    sim.updateThread(thread.id, { archived: true });
    await sim.waitFor(() => (client.channels.cache.get(thread.id) as typeof thread | undefined)?.archived === true);
    expect(await codeOf(message.edit('edited'))).toBe(50083);
    await thread.send('still here');
    expect(sim.channel(thread.id)!.archived).toBe(false);
    await sim.waitFor(() => thread.archived === false); // THREAD_UPDATE told the bot
  });

  it('refuses the bot’s messages in a locked thread, and public interaction responses, but not ephemeral ones', async () => {
    const outcomes: Array<number | string> = [];
    const { sim, channel } = await connect(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      outcomes.push(await codeOf(interaction.reply('public')));
      outcomes.push(await codeOf(interaction.reply({ content: 'private', flags: MessageFlags.Ephemeral })));
      outcomes.push(await codeOf(interaction.followUp('public follow-up')));
    });
    const thread = await channel.threads.create({ name: 'quiz', type: ChannelType.PublicThread });
    sim.updateThread(thread.id, { locked: true });
    expect(await codeOf(thread.send('hello'))).toBe(50013);

    const kim = sim.createUser({ username: 'kim' });
    const command = sim.slashCommand({ name: 'ping', user: kim, channelId: thread.id });
    await command.ack;
    await sim.waitFor(() => outcomes.length === 3);
    expect(outcomes).toEqual([160005, 'ok', 160005]);
    expect(command.original()!.flags & 64).toBe(64);

    sim.updateThread(thread.id, { archived: true });
    const archived = sim.slashCommand({ name: 'ping', user: kim, channelId: thread.id });
    await archived.ack;
    await sim.waitFor(() => outcomes.length === 6);
    expect(outcomes.slice(3)).toEqual([50083, 'ok', 50083]); // locked and archived: "Thread is archived"
  });

  it('sends a global 429 that holds back the bot’s other requests for Retry-After', async () => {
    const { sim, channel } = await connect();
    sim.injectFault({ method: 'POST', path: `/channels/${channel.id}/messages`, status: 429, retryAfterSeconds: 0.4, scope: 'global' });
    const started = Date.now();
    await Promise.all([channel.send('one'), channel.client.channels.fetch(sim.channelId('general'), { force: true })]);
    const calls = sim.requests.filter((r) => r.at >= started);
    const limited = calls.find((r) => r.status === 429)!;
    const after = calls.filter((r) => r.at > limited.at);
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(Math.min(...after.map((r) => r.at)) - limited.at).toBeGreaterThanOrEqual(350);
    expect(sim.messages(channel.id).map((m) => m.content)).toEqual(['one']);
  });

  it('replays the events a dropped connection missed when the bot resumes', async () => {
    const seen: string[] = [];
    const { sim, client, channel } = await connect();
    // Without the Message Content intent the text arrives empty: the id tells the message apart.
    client.on(Events.MessageCreate, (message) => void seen.push(message.id));
    const kim = sim.createUser({ username: 'kim' });
    sim.dropGateway();
    const missed = sim.postMessage({ channelId: channel.id, user: kim, content: 'while you were away' });
    await sim.waitFor(() => seen.includes(missed.id), 5_000, 'the missed message');
    expect(sim.gatewayEvents.map((e) => e.kind)).toEqual(['identify', 'drop', 'resume']);
    expect(sim.gatewayEvents[2]!.replayed).toBe(1);
  });
});
