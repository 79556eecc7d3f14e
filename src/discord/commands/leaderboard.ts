import { SlashCommandBuilder } from 'discord.js';
import { UserError } from '../../errors.ts';
import type { LeaderboardPeriod } from '../../progress/types.ts';
import { t } from '../i18n.ts';
import { renderLeaderboard } from '../render.ts';
import type { SlashCommand } from '../types.ts';
import { descriptionLocalizations as d, nameLocalizations as n } from './localize.ts';

/** `/leaderboard [period]`: points in this server over the last 7 days or all time. */
export const leaderboardCommand: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('leaderboard')
    .setNameLocalizations(n({ en: 'leaderboard', zh: '排行榜' }))
    .setDescription("This server's top learners by points")
    .setDescriptionLocalizations(d({ en: "This server's top learners by points", zh: '本服务器按得分排名的学习者' }))
    .setDMPermission(false)
    .addStringOption((option) =>
      option
        .setName('period')
        .setNameLocalizations(n({ en: 'period', zh: '时间范围' }))
        .setDescription('Last 7 days (default) or all time')
        .setDescriptionLocalizations(d({ en: 'Last 7 days (default) or all time', zh: '最近 7 天（默认）或全部时间' }))
        .addChoices(
          { name: 'Last 7 days', name_localizations: { 'zh-CN': '最近 7 天' }, value: 'week' },
          { name: 'All time', name_localizations: { 'zh-CN': '全部时间' }, value: 'all' },
        ),
    )
    .toJSON(),
  defer: 'public',
  async execute({ interaction, deps, locale }) {
    if (!interaction.guildId) throw new UserError('guild-only', t(locale, 'leaderboard.guildOnly'));
    const period = (interaction.options.getString('period') ?? 'week') as LeaderboardPeriod;
    await interaction.editReply(renderLeaderboard(locale, deps.stats.leaderboard(interaction.guildId, period)));
  },
};
