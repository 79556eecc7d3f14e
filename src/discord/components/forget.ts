import { MessageFlags } from 'discord.js';
import { t } from '../i18n.ts';
import { renderForgetDone, renderPlain } from '../render.ts';
import type { ComponentHandler } from '../types.ts';

/** Confirm and Cancel under /forget-me's prompt; only the person who asked may press them. */
export const forgetConfirm: ComponentHandler<'forget-confirm'> = {
  kinds: ['forget-confirm'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    if (id.userId !== interaction.user.id) {
      await interaction.followUp({ ...renderPlain(t(locale, 'forget.notYours')), flags: MessageFlags.Ephemeral });
      return;
    }
    const result = deps.maintenance.forgetUser(id.userId);
    deps.logger.info({ userId: id.userId, ...result }, 'user data forgotten on request');
    await interaction.editReply(renderForgetDone(locale, result));
  },
};

export const forgetCancel: ComponentHandler<'forget-cancel'> = {
  kinds: ['forget-cancel'],
  defer: 'update',
  async handle({ interaction, locale }) {
    await interaction.editReply({ ...renderPlain(t(locale, 'forget.cancelled')), components: [] });
  },
};
