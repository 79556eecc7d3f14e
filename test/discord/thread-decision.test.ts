import { ChannelType, PermissionsBitField, type PermissionResolvable } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { decideThread } from '../../src/discord/quiz-flow.ts';

const all: PermissionResolvable[] = ['SendMessagesInThreads', 'CreatePublicThreads', 'CreatePrivateThreads'];
const bits = (names: PermissionResolvable[]) => new PermissionsBitField(names);

describe('where a quiz runs', () => {
  it.each([
    ['a DM', { inGuild: false, channelType: ChannelType.DM, permissions: null, wantsPrivate: false }, { reason: 'dm' }],
    ['a public thread', { inGuild: true, channelType: ChannelType.PublicThread, permissions: bits(all), wantsPrivate: false }, { reason: 'inThread' }],
    ['a private thread', { inGuild: true, channelType: ChannelType.PrivateThread, permissions: bits(all), wantsPrivate: true }, { reason: 'inThread' }],
    ['a voice channel', { inGuild: true, channelType: ChannelType.GuildVoice, permissions: bits(all), wantsPrivate: false }, { reason: 'channelType' }],
    ['an uncached channel', { inGuild: true, channelType: null, permissions: bits(all), wantsPrivate: false }, { reason: 'channelType' }],
    ['a text channel', { inGuild: true, channelType: ChannelType.GuildText, permissions: bits(all), wantsPrivate: false }, { private: false, privateRefused: false }],
    ['a text channel, private asked', { inGuild: true, channelType: ChannelType.GuildText, permissions: bits(all), wantsPrivate: true }, { private: true, privateRefused: false }],
    [
      'an announcement channel, private asked',
      { inGuild: true, channelType: ChannelType.GuildAnnouncement, permissions: bits(all), wantsPrivate: true },
      { private: false, privateRefused: true },
    ],
    [
      'a text channel without Create Private Threads, private asked',
      { inGuild: true, channelType: ChannelType.GuildText, permissions: bits(['SendMessagesInThreads', 'CreatePublicThreads']), wantsPrivate: true },
      { private: false, privateRefused: true },
    ],
    ['a text channel without Create Public Threads', { inGuild: true, channelType: ChannelType.GuildText, permissions: bits(['SendMessagesInThreads', 'CreatePrivateThreads']), wantsPrivate: false }, { reason: 'permission' }],
    ['a text channel without Send Messages in Threads', { inGuild: true, channelType: ChannelType.GuildText, permissions: bits(['CreatePublicThreads']), wantsPrivate: false }, { reason: 'permission' }],
  ])('in %s', (_where, situation, expected) => {
    expect(decideThread(situation)).toEqual(expected);
  });
});
