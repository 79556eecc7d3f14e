import { SlashCommandBuilder } from 'discord.js';
import { renderDailyChartPng } from '../chart.ts';
import { renderStats } from '../render.ts';
import { renderAppealsField } from '../render-queue.ts';
import type { SlashCommand } from '../types.ts';
import { descriptionLocalizations as d, nameLocalizations as n } from './localize.ts';
import { autocompleteBankOrTopic, bankOption } from './options.ts';

export const CHART_FILE_NAME = 'progress-30-days.png';

/** `/stats [user] [bank] [public]`: progress as an embed with a 30-day chart; private unless asked. */
export const statsCommand: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('stats')
    .setNameLocalizations(n({ en: 'stats', zh: '统计' }))
    .setDescription('Your progress: accuracy, streaks, weak topics and the last 30 days')
    .setDescriptionLocalizations(d({ en: 'Your progress: accuracy, streaks, weak topics and the last 30 days', zh: '学习进度：正确率、连续天数、薄弱知识点和最近 30 天' }))
    .addUserOption((option) =>
      option
        .setName('user')
        .setNameLocalizations(n({ en: 'user', zh: '用户' }))
        .setDescription('Whose progress (default: yours)')
        .setDescriptionLocalizations(d({ en: 'Whose progress (default: yours)', zh: '查看谁的进度（默认是你自己）' })),
    )
    .addStringOption(bankOption({ en: 'Only this bank', zh: '只统计这个题库' }))
    .addBooleanOption((option) =>
      option
        .setName('public')
        .setNameLocalizations(n({ en: 'public', zh: '公开' }))
        .setDescription('Show the answer to everyone in the channel')
        .setDescriptionLocalizations(d({ en: 'Show the answer to everyone in the channel', zh: '让频道里的所有人都能看到' })),
    )
    .toJSON(),
  defer: (interaction) => (interaction.options.getBoolean('public') ? 'public' : 'ephemeral'),
  async execute({ interaction, deps, locale }) {
    const user = interaction.options.getUser('user') ?? interaction.user;
    const bankId = interaction.options.getString('bank') ?? undefined;
    const stats = deps.stats.forUser(user.id, { guildId: interaction.guildId ?? undefined, bankId });
    const exams = deps.stats.examsForUser(user.id);
    const bankTitle = bankId ? (deps.banks.get(bankId)?.title ?? bankId) : undefined;
    const member = interaction.options.getMember('user');
    const userName = (member && 'displayName' in member ? member.displayName : null) ?? user.globalName ?? user.username;
    // --- h12-queue-appeals --- a learner's appeals are theirs to see: only on their own /stats.
    const appeals = user.id === interaction.user.id ? renderAppealsField(locale, deps.appeals.summaryFor(user.id), (bank, question) => deps.banks.get(bank)?.questions.find((q) => q.id === question)?.stem) : null;
    const extra = appeals ? { extraFields: [appeals] } : {};
    if (stats.attempts === 0) {
      await interaction.editReply(renderStats({ locale, stats, userName, bankTitle, exams, ...extra }));
      return;
    }
    const chart = renderDailyChartPng(stats.daily);
    await interaction.editReply({
      ...renderStats({ locale, stats, userName, bankTitle, chartFile: CHART_FILE_NAME, exams, ...extra }),
      files: [{ attachment: chart, name: CHART_FILE_NAME }],
    });
  },
  autocomplete: autocompleteBankOrTopic,
};
