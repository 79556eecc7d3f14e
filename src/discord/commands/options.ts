import type {
  AutocompleteInteraction,
  SlashCommandBooleanOption,
  SlashCommandIntegerOption,
  SlashCommandStringOption,
} from 'discord.js';
import { QUESTION_TYPES } from '../../bank/schema.ts';
import { MAX_QUIZ_COUNT } from '../../quiz/quiz-service.ts';
import { t } from '../i18n.ts';
import type { BotDeps } from '../types.ts';
import { descriptionLocalizations as d, nameLocalizations as n, type LocalizedText } from './localize.ts';

/**
 * Options shared by several commands, so `/quiz`, `/review` and `/stats` name, localise and bound them
 * the same way. Each is passed straight to `addStringOption` / `addIntegerOption` / `addBooleanOption`.
 */

/** `bank`, autocompleted by {@link autocompleteBankOrTopic}; the description says what the bank narrows. */
export function bankOption(description: LocalizedText): (option: SlashCommandStringOption) => SlashCommandStringOption {
  return (option) =>
    option
      .setName('bank')
      .setNameLocalizations(n({ en: 'bank', zh: '题库' }))
      .setDescription(description.en)
      .setDescriptionLocalizations(d(description))
      .setAutocomplete(true);
}

/** `type`: one of the question types, offered as localised choices. */
export function questionTypeOption(option: SlashCommandStringOption): SlashCommandStringOption {
  return option
    .setName('type')
    .setNameLocalizations(n({ en: 'type', zh: '题型' }))
    .setDescription('Only questions of this type')
    .setDescriptionLocalizations(d({ en: 'Only questions of this type', zh: '只出这种题型' }))
    .addChoices(
      ...QUESTION_TYPES.map((type) => ({
        name: t('en-US', `type.${type}`),
        name_localizations: { 'zh-CN': t('zh-CN', `type.${type}`) },
        value: type,
      })),
    );
}

/** `topic`, autocompleted from the chosen bank (or every bank). */
export function topicOption(option: SlashCommandStringOption): SlashCommandStringOption {
  return option
    .setName('topic')
    .setNameLocalizations(n({ en: 'topic', zh: '知识点' }))
    .setDescription('Only questions on this topic')
    .setDescriptionLocalizations(d({ en: 'Only questions on this topic', zh: '只出这个知识点的题' }))
    .setAutocomplete(true);
}

/** `count`: 1 to {@link MAX_QUIZ_COUNT} questions. */
export function questionCountOption(option: SlashCommandIntegerOption): SlashCommandIntegerOption {
  return option
    .setName('count')
    .setNameLocalizations(n({ en: 'count', zh: '题数' }))
    .setDescription('How many questions')
    .setDescriptionLocalizations(d({ en: 'How many questions', zh: '题目数量' }))
    .setMinValue(1)
    .setMaxValue(MAX_QUIZ_COUNT);
}

/** `private`: ask for a private quiz thread. */
export function privateThreadOption(option: SlashCommandBooleanOption): SlashCommandBooleanOption {
  return option
    .setName('private')
    .setNameLocalizations(n({ en: 'private', zh: '私密' }))
    .setDescription('Use a private thread (where the server allows it)')
    .setDescriptionLocalizations(d({ en: 'Use a private thread (where the server allows it)', zh: '使用私密子区（如果服务器允许）' }));
}

const AUTOCOMPLETE_LIMIT = 25;

/** Banks by id or title; topics of the chosen bank (or of every bank), matching what is typed. */
export async function autocompleteBankOrTopic(interaction: AutocompleteInteraction, deps: BotDeps): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const typed = String(focused.value).toLowerCase();
  if (focused.name === 'bank') {
    const choices = deps.banks
      .list()
      .filter((bank) => bank.id.toLowerCase().includes(typed) || bank.title.toLowerCase().includes(typed))
      .slice(0, AUTOCOMPLETE_LIMIT)
      .map((bank) => ({ name: `${bank.title} (${bank.id})`.slice(0, 100), value: bank.id }));
    await interaction.respond(choices);
    return;
  }
  if (focused.name === 'topic') {
    const choices = deps.banks
      .topics(interaction.options.getString('bank') ?? undefined)
      .filter((topic) => topic.toLowerCase().includes(typed))
      .slice(0, AUTOCOMPLETE_LIMIT)
      .map((topic) => ({ name: topic.slice(0, 100), value: topic.slice(0, 100) }));
    await interaction.respond(choices);
    return;
  }
  await interaction.respond([]);
}
