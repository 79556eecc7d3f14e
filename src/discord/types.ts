import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  ModalSubmitInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  StringSelectMenuInteraction,
} from 'discord.js';
import type { ExamService } from '../exam/types.ts';
import type { Logger } from '../logger.ts';
import type { QuizService } from '../quiz/types.ts';
import type { BankService } from '../services/banks.ts';
import type { KeyFixService } from '../services/key-fixes.ts';
import type { ClassReportService } from '../services/class-reports.ts';
import type { NoticeService } from '../services/notices.ts';
import type { MaintenanceService } from '../services/maintenance.ts';
import type { StatisticsService } from '../services/statistics.ts';
import type { AppealService } from '../services/appeals.ts';
import type { ReviewQueueService } from '../services/review-queue.ts';
import type { ComponentId } from './custom-id.ts';
import type { Locale } from '../messages/catalog.ts';

/**
 * What the Discord layer needs from the application: core services only (the composition root's `App`
 * satisfies it), never the store or the database. Nothing here is global; every handler receives it.
 * The services check ownership and state; handlers read options, call a service, render and reply.
 */
export interface BotDeps {
  logger: Logger;
  quiz: QuizService;
  banks: BankService;
  stats: StatisticsService;
  maintenance: MaintenanceService;
  /** Members with this role are teachers (besides those with Manage Server); see src/discord/teacher.ts. */
  teacherRoleId?: string;
  /** Fetches an attachment's bytes; defaults to global fetch (tests point it at the simulator). */
  fetchAttachment?: (url: string) => Promise<Response>;
  // --- h12-keyfix ---
  /** Accept an answer into a key and regrade (teacher components; check `requireTeacher` first). */
  keyFixes: KeyFixService;
  // --- h12-class-discord ---
  /** The teacher's views (/class report, items, export); handlers check the teacher role first. */
  classReports: ClassReportService;
  /** Messages owed to learners about their grades; the bot delivers them (src/discord/notices.ts). */
  notices: NoticeService;
  // --- h12-queue-appeals ---
  /** Answers awaiting a teacher (/class queue); handlers check the teacher role first. */
  reviewQueue: ReviewQueueService;
  /** A learner's appeal of a grade (the Appeal button under a verdict), and its state for /stats. */
  appeals: AppealService;
  // --- h13-exam-core ---
  /** Exam mode: the service checks ownership and state; see src/exam/types.ts. */
  exams: ExamService;
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
  locale: Locale;
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
  locale: Locale;
}

export interface ComponentHandler<K extends ComponentId['kind'] = ComponentId['kind']> {
  kinds: readonly K[];
  defer: DeferPolicy;
  handle(context: ComponentContext<K>): Promise<void>;
}
