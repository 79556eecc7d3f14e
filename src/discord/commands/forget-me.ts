import { SlashCommandBuilder } from 'discord.js';
import { renderForgetPrompt } from '../render.ts';
import type { SlashCommand } from '../types.ts';
import { descriptionLocalizations as d, nameLocalizations as n } from './localize.ts';

/** `/forget-me`: asks for confirmation (components/forget.ts deletes on Confirm). */
export const forgetMeCommand: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('forget-me')
    .setNameLocalizations(n({ en: 'forget-me', zh: '删除我的数据' }))
    .setDescription('Delete everything the tutor stored about you')
    .setDescriptionLocalizations(d({ en: 'Delete everything the tutor stored about you', zh: '删除导师保存的关于你的全部数据' }))
    .toJSON(),
  defer: 'ephemeral',
  async execute({ interaction, locale }) {
    await interaction.editReply(renderForgetPrompt(locale, interaction.user.id));
  },
};
