import type { SlashCommandSubcommandBuilder } from 'discord.js';
import { UserError } from '../../errors.ts';
import { queueListPayload } from '../components/queue.ts';
import { requireTeacher } from '../teacher.ts';
import type { CommandContext } from '../types.ts';
import { descriptionLocalizations as d, nameLocalizations as n } from './localize.ts';

/**
 * `/class queue [provisional]`: the answers of this server awaiting a teacher (appeals, flagged and
 * needs-review answers; provisional fallback scores when asked), oldest first, privately. Picking one
 * shows it with Accept grade, Set scores and Reject (components/queue.ts).
 */
export function queueSubcommand(sub: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder {
  return sub
    .setName('queue')
    .setNameLocalizations(n({ en: 'queue', zh: '待审' }))
    .setDescription('Answers awaiting a teacher: appeals, flagged and needs-review answers')
    .setDescriptionLocalizations(d({ en: 'Answers awaiting a teacher: appeals, flagged and needs-review answers', zh: '等待老师处理的作答：申诉、被标记和待复核的作答' }))
    .addBooleanOption((option) =>
      option
        .setName('provisional')
        .setNameLocalizations(n({ en: 'provisional', zh: '临时分' }))
        .setDescription('Also list provisional scores given while the AI was unavailable')
        .setDescriptionLocalizations(d({ en: 'Also list provisional scores given while the AI was unavailable', zh: '同时列出 AI 不可用时给出的临时分' })),
    );
}

export async function classQueue({ interaction, deps, locale }: CommandContext): Promise<void> {
  if (!interaction.guildId) throw new UserError('guild-only');
  requireTeacher(interaction, deps.teacherRoleId);
  const provisional = interaction.options.getBoolean('provisional') ?? false;
  await interaction.editReply(queueListPayload(deps, locale, interaction.guildId, provisional));
}
