import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  StringSelectMenuInteraction,
} from 'discord.js';
import type { BankCatalog } from '../bank/catalog.ts';
import type { ImportOutcome, ImportRequest } from '../bank/import/types.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ProgressStore } from '../progress/ports.ts';
import type { QuizService } from '../quiz/types.ts';
import type { ComponentId } from './custom-id.ts';
import type { UiLocale } from './i18n.ts';

/**
 * What the Discord layer needs from the application: the composition root's `App` satisfies it, and
 * tests may hand in their own parts. Nothing here is global; every handler receives it.
 */
export interface BotDeps {
  config: Pick<Config, 'TIME_ZONE' | 'BANKS_DIR' | 'DEFAULT_QUIZ_COUNT' | 'ANSWER_MAX_LENGTH'>;
  logger: Logger;
  catalog: BankCatalog;
  store: ProgressStore;
  quiz: QuizService;
  /** Parses an uploaded file (`/bank import`); defaults to importBankInWorker (a worker thread with limits). */
  importBank?: (request: ImportRequest) => ImportOutcome | Promise<ImportOutcome>;
  /** Absolute banks folder `/bank import` writes to (else BANKS_DIR as configured). */
  banksDir?: string;
  /** Fetches an attachment's bytes; defaults to global fetch (tests point it at the simulator). */
  fetchAttachment?: (url: string) => Promise<Response>;
}

/**
 * How the dispatcher acknowledges an interaction before the handler runs, so the 3-second deadline is
 * met even when the handler waits on the LLM:
 * - `none`: the handler answers at once itself (opening a modal must be the first response);
 * - `public` / `ephemeral`: a deferred reply the handler edits;
 * - `update`: a deferred update of the message the component is on;
 * - `grading` / `thinking`: a visible public reply ("Grading…", "The tutor is thinking…") the handler edits.
 */
export type DeferPolicy = 'none' | 'public' | 'ephemeral' | 'update' | 'grading' | 'thinking';

export interface CommandContext {
  interaction: ChatInputCommandInteraction;
  deps: BotDeps;
  locale: UiLocale;
}

export interface SlashCommand {
  definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  defer: DeferPolicy | ((interaction: ChatInputCommandInteraction) => DeferPolicy);
  execute(context: CommandContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, deps: BotDeps): Promise<void>;
}

export type ComponentInteraction = ButtonInteraction | StringSelectMenuInteraction | ModalSubmitInteraction;

export interface ComponentContext<K extends ComponentId['kind'] = ComponentId['kind']> {
  interaction: ComponentInteraction;
  id: Extract<ComponentId, { kind: K }>;
  deps: BotDeps;
  locale: UiLocale;
}

export interface ComponentHandler<K extends ComponentId['kind'] = ComponentId['kind']> {
  kinds: readonly K[];
  defer: DeferPolicy;
  handle(context: ComponentContext<K>): Promise<void>;
}
