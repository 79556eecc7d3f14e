/**
 * A Discord simulator for tests: Discord API v10 REST (`/api/v10/...`) and a JSON gateway on one
 * 127.0.0.1 port, driven by the real discord.js client. Nothing leaves the loopback interface.
 *
 * ## Start, connect, stop
 * ```ts
 * const sim = await startDiscordSimulator();          // one guild "Study Hall" with #general and #quiz
 * const client = new Client({ intents, rest: { api: sim.apiUrl } });   // sim.apiUrl ends in `/api`
 * await client.login(sim.token);                       // or DISCORD_API_URL=sim.apiUrl, DISCORD_TOKEN=sim.token
 * await sim.waitForReady();                            // the bot identified and received every GUILD_CREATE
 * ...
 * await client.destroy(); await sim.close();           // destroy the client first, or it keeps reconnecting
 * ```
 * Seed your own world with `startDiscordSimulator({ guilds: [{ name, locale, roles: [{ name, permissions }],
 * channels: [{ name, botDeny: ['CreatePublicThreads'] }] }], privilegedIntents: { messageContent: false } })`.
 * Ids: `sim.guildId` (first guild), `sim.channelId('quiz')`, `sim.botUserId`, `sim.applicationId`.
 *
 * ## People
 * `sim.createUser({ username, locale, roles })` makes a user and a member of every guild (or `guildId`);
 * `sim.createRole(guildId, { name, permissions: ['ManageGuild'] })`; `sim.setBotPermissions(channelId,
 * { deny: ['CreatePublicThreads'] })` changes an overwrite at runtime and tells the bot (CHANNEL_UPDATE).
 *
 * ## Acting as a user (each returns an {@link InteractionHandle})
 * - `sim.slashCommand({ name, user, channelId, options: { topic: 'algebra' }, subcommand, locale })`
 *   Option types come from the registered command when there is one, else from the JS value.
 * - `sim.autocomplete({ name, user, channelId, options, focused: 'topic' })` → `handle.choices()`
 * - `sim.clickButton({ message, customId, user })` (the button must be on the message and enabled)
 * - `sim.selectMenu({ message, customId, values, user })` (values must be among the menu's options)
 * - `sim.submitModal({ user, fields: { answer: 'text' }, modal? })` answers `sim.lastModal` by default
 *   (14.28 label components, type 18 with `component`; legacy action-row modals answer in kind).
 * - `sim.postMessage({ channelId, user, content, attachments, replyTo })` → the stored message
 *   (MESSAGE_CREATE reaches the bot with empty content unless it asked for MessageContent or is mentioned).
 * - `sim.seedBotMessage({ channelId, content, components })` stores a message as if the bot had posted it
 *   before (no REST call, nothing dispatched): buttons that must survive a restart, benchmark targets.
 * Attachment options take `{ filename, data, contentType }`; user options take a `SimUser`.
 *
 * ## The handle
 * `await handle.ack` → `{ type, data, elapsedMs }` of the first accepted callback (rejects if the bot did
 * not answer within the 3 s deadline); `handle.original()`, `handle.waitForOriginal(pred?, ms?)`,
 * `handle.followUps()`, `handle.waitForFollowUp(pred?, ms?)`, `handle.modal`, `handle.choices()`,
 * `handle.callbacks` (every callback attempt with its HTTP status).
 *
 * ## Reading what happened
 * `sim.messages(channelId)` (oldest first; deleted ones left out, ephemeral ones kept with flag 64), `sim.message(id)`,
 * `sim.waitForMessage(channelId, pred, ms)`, `sim.threads(parentId?)`, `sim.channel(id)`, `sim.lastModal`,
 * `sim.commands` (global and guild), `sim.requests` (every REST call: method, route, body, status),
 * `sim.failures` (unknown routes, rejected bodies, late or double acks: tests can expect it empty).
 * `sim.directMessages(userId)`: what the bot sent a user by direct message; `sim.closeDirectMessages(userId)`
 * makes Discord refuse them (403 code 50007, as for a member who blocked DMs from the server).
 * A stored message keeps `allowed_mentions` as sent and `pings` (who Discord would actually notify);
 * attachments keep their bytes in `attachment.data`.
 *
 * The bot can also fetch members (REST by id, list and search; gateway Request Guild Members), its
 * application (`/applications/@me`), channels, messages and thread members. `quiet: true` keeps failures
 * in `sim.failures` without printing them.
 *
 * ## Faults (a Discord that misbehaves as the real one does)
 * - `sim.injectFault({ method, path, status, times, retryAfterSeconds, scope })` makes REST calls fail:
 *   429 with Retry-After (`scope: 'global'` adds X-RateLimit-Global, so discord.js holds back every
 *   request), 5xx (discord.js retries three times), 4xx (final).
 * - `sim.beforeRequest({ method, path, run })` runs `run` right before a matching call is handled:
 *   `run: () => sim.deleteMessage(id)` is "a moderator deletes the message as the bot edits it".
 * - `sim.deleteMessage(id)`, `sim.deleteChannel(id)`: later calls answer 10008 Unknown Message and
 *   10003 Unknown Channel.
 * - `sim.updateThread(id, { archived, locked })` (THREAD_UPDATE to the bot). An archived thread refuses
 *   edits with 400 code 50083 and is reopened by a new message (a reply, follow-up or channel message)
 *   unless locked. A locked thread refuses interaction responses and follow-ups with 400 code 160005
 *   ("Thread is locked"), the bot's own messages with 403 code 50013, and, when also archived,
 *   everything with 50083 (as discord/discord-api-docs#5517 reports); ephemeral responses still go.
 * - `sim.dropGateway({ code?, invalidateSession? })` closes the gateway (4000 by default): discord.js
 *   RESUMEs, and the events dispatched meanwhile (a click, a message) are replayed before RESUMED.
 *   With `invalidateSession` the RESUME gets op 9 and the bot IDENTIFYs afresh (events are lost, as on
 *   Discord). `sim.gatewayEvents` lists identify / drop / resume / invalid-session in order.
 * These refusals are Discord behaving as documented, not bot mistakes: they stay out of `sim.failures`.
 *
 * Deadlines and errors follow Discord: a first callback after `ackDeadlineMs` (3000) → 404 code 10062;
 * a second one → 400 code 40060; too-long content, embeds, components or modals → 400 code 50035;
 * missing channel permissions → 403 code 50013; unknown routes → 404 and a loud `console.warn`.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ALL_PERMISSIONS,
  computeChannelPermissions,
  hasPermission,
  toPermissionBits,
  type PermissionName,
  type PermissionOverwrite,
} from './permissions.ts';
import { createSnowflake } from './snowflake.ts';
import { describeProblems, toErrorTree, validateMessageBody, validateModal, type FormProblem } from './validate.ts';

export type { PermissionName } from './permissions.ts';

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------
// Public types

export interface SimUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: '0';
  avatar: null;
  bot: boolean;
  /** The client locale sent with this user's interactions. */
  locale: string;
}

export interface SimRole {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  managed: boolean;
}

export interface SimMember {
  user: SimUser;
  roles: string[];
  joined_at: string;
  nick: string | null;
}

export interface SimGuild {
  id: string;
  name: string;
  ownerId: string;
  locale: string;
  roles: Map<string, SimRole>;
  members: Map<string, SimMember>;
  channelIds: string[];
}

export interface SimChannel {
  id: string;
  /** 0 text, 11 public thread, 12 private thread. */
  type: number;
  guildId: string;
  name: string;
  parentId: string | null;
  position: number;
  topic: string | null;
  overwrites: PermissionOverwrite[];
  ownerId: string | null;
  lastMessageId: string | null;
  messageCount: number;
  /** Thread members (user ids); empty for ordinary channels. */
  memberIds: Set<string>;
  archived: boolean;
  locked: boolean;
  invitable: boolean;
  autoArchiveDuration: number;
  createdAt: string;
  /** The message a thread was started from, if any (its id equals the thread's). */
  starterMessageId: string | null;
}

export interface StoredAttachment {
  id: string;
  filename: string;
  size: number;
  content_type: string | undefined;
  description: string | undefined;
  url: string;
  proxy_url: string;
  /** The uploaded bytes, e.g. a PNG chart the bot rendered. */
  data: Buffer;
}

export interface Pings {
  users: string[];
  roles: string[];
  everyone: boolean;
}

export interface StoredMessage {
  id: string;
  channel_id: string;
  guild_id: string | undefined;
  author: SimUser;
  type: number;
  content: string;
  embeds: Json[];
  components: Json[];
  attachments: StoredAttachment[];
  flags: number;
  timestamp: string;
  edited_timestamp: string | null;
  /** Exactly as the sender sent it (undefined when absent: then Discord's default, parse everything). */
  allowed_mentions: Json | undefined;
  /** Who Discord would notify for this content under `allowed_mentions`. */
  pings: Pings;
  message_reference: Json | undefined;
  webhook_id: string | undefined;
  application_id: string | undefined;
  interaction_metadata: Json | undefined;
  /** The interaction this message answers (original response or follow-up), if any. */
  interactionId: string | undefined;
  deleted: boolean;
  editCount: number;
}

export interface CallbackRecord {
  type: number;
  data: Json | undefined;
  /** Milliseconds from writing INTERACTION_CREATE to the gateway to receiving this callback. */
  elapsedMs: number;
  status: number;
  errorCode?: number;
}

export interface ShownModal {
  interactionId: string;
  userId: string;
  channelId: string;
  guildId: string;
  /** Set when the modal was opened from a message component; the submit then carries that message. */
  sourceMessageId: string | undefined;
  custom_id: string;
  title: string;
  components: Json[];
}

export interface InteractionHandle {
  id: string;
  token: string;
  /** The payload that was dispatched (API shape). */
  payload: Json;
  /** The first accepted callback; rejects if none arrived before the ack deadline. */
  ack: Promise<CallbackRecord>;
  callbacks: CallbackRecord[];
  modal: ShownModal | undefined;
  original(): StoredMessage | undefined;
  waitForOriginal(predicate?: (m: StoredMessage) => boolean, timeoutMs?: number): Promise<StoredMessage>;
  followUps(): StoredMessage[];
  waitForFollowUp(predicate?: (m: StoredMessage) => boolean, timeoutMs?: number): Promise<StoredMessage>;
  /** Autocomplete choices from a type 8 callback. */
  choices(): Array<{ name: string; value: string | number }> | undefined;
}

export interface SimFailure {
  kind: 'unknown-route' | 'invalid-body' | 'late-ack' | 'double-ack' | 'missing-permission' | 'unacknowledged' | 'unauthorized' | 'not-found';
  detail: string;
  at: number;
}

export interface RequestRecord {
  method: string;
  /** Decoded path after `/api/v10`, e.g. `/webhooks/1/abc/messages/@original`. */
  path: string;
  query: Record<string, string>;
  /** The JSON body, or `payload_json` for multipart. */
  body: unknown;
  fileNames: string[];
  status: number;
  at: number;
}

export interface RegisteredCommand extends Json {
  id: string;
  name: string;
  guild_id?: string;
}

export interface ChannelSeed {
  name: string;
  id?: string;
  topic?: string;
  /** Permissions denied to the bot in this channel (a member overwrite). */
  botDeny?: PermissionName[];
  botAllow?: PermissionName[];
  /** Permissions denied to @everyone in this channel. */
  everyoneDeny?: PermissionName[];
}

export interface RoleSeed {
  name: string;
  id?: string;
  permissions?: PermissionName[];
}

export interface GuildSeed {
  name?: string;
  id?: string;
  locale?: string;
  channels?: ChannelSeed[];
  roles?: RoleSeed[];
  /** Permissions of @everyone; Discord's defaults when absent. */
  everyonePermissions?: PermissionName[];
}

export interface SimulatorOptions {
  guilds?: GuildSeed[];
  botUsername?: string;
  token?: string;
  /** Permissions of the bot's managed role in every guild. */
  botPermissions?: PermissionName[];
  /** Privileged intents switched on in the (simulated) developer portal. Both default to true. */
  privilegedIntents?: { messageContent?: boolean; guildMembers?: boolean };
  ackDeadlineMs?: number;
  /** Log each REST call to the console (noisy; for debugging a test). */
  verbose?: boolean;
  /** Record failures in `sim.failures` without printing them (benchmarks that count them instead). */
  quiet?: boolean;
}

/** A file a user uploads (an attachment option, or a file on a message). */
export interface UploadInput {
  filename: string;
  data: Buffer;
  contentType?: string;
}

export interface SlashCommandInput {
  name: string;
  user: SimUser;
  channelId?: string;
  guildId?: string;
  /** Values by option name; a {@link SimUser} for user options, an {@link UploadInput} for attachment options. */
  options?: Record<string, string | number | boolean | SimUser | UploadInput> | Json[];
  subcommand?: string;
  subcommandGroup?: string;
  locale?: string;
}

export interface AutocompleteInput extends SlashCommandInput {
  /** The option being typed; its current text is `options[focused]`. */
  focused: string;
}

export type MessageRef = StoredMessage | string;

export interface ClickButtonInput {
  message: MessageRef;
  customId: string;
  user: SimUser;
  locale?: string;
}

export interface SelectMenuInput extends ClickButtonInput {
  values: string[];
}

export interface SubmitModalInput {
  user: SimUser;
  fields: Record<string, string | string[]>;
  /** Defaults to the last modal shown to this user (or to anyone). */
  modal?: ShownModal;
  locale?: string;
}

export interface PostMessageInput {
  channelId: string;
  user: SimUser;
  content: string;
  attachments?: Array<{ filename: string; data: Buffer; contentType?: string }>;
  replyTo?: string;
}

export interface FaultInput {
  method?: string;
  path: RegExp | string;
  status: number;
  body?: Json;
  /** For 429: seconds to wait (Retry-After); default 0.05. */
  retryAfterSeconds?: number;
  /**
   * For 429: `user` (default: this route's bucket, discord.js waits and retries that route) or `global`
   * (sent with `X-RateLimit-Global`, so discord.js holds back every request for Retry-After).
   */
  scope?: 'user' | 'global' | 'shared';
  times?: number;
}

/** Something that happens in Discord right before a matching REST call is handled (a moderator acting). */
export interface RequestHookInput {
  method?: string;
  path: RegExp | string;
  run: () => void;
  times?: number;
}

/** What the gateway saw, in order: how the bot (re)connected. */
export interface GatewayEventRecord {
  kind: 'identify' | 'resume' | 'invalid-session' | 'drop';
  sessionId: string;
  /** For `resume`: how many missed events were replayed. */
  replayed?: number;
  at: number;
}

export interface DiscordSimulator {
  apiUrl: string;
  gatewayUrl: string;
  token: string;
  botUser: SimUser;
  botUserId: string;
  applicationId: string;
  guildId: string;
  guilds: Map<string, SimGuild>;
  requests: RequestRecord[];
  failures: SimFailure[];
  commands: { global: RegisteredCommand[]; guild: Map<string, RegisteredCommand[]> };
  lastModal: ShownModal | undefined;
  /** Intents the bot identified with (0 before IDENTIFY). */
  identifiedIntents: number;

  waitForReady(timeoutMs?: number): Promise<void>;
  channelId(name: string, guildId?: string): string;
  channel(id: string): SimChannel | undefined;
  threads(parentId?: string): SimChannel[];
  createUser(input: { username: string; locale?: string; globalName?: string; guildId?: string; roles?: string[] }): SimUser;
  createRole(guildId: string, input: RoleSeed): SimRole;
  createChannel(guildId: string, seed: ChannelSeed): SimChannel;
  setBotPermissions(channelId: string, change: { allow?: PermissionName[]; deny?: PermissionName[] }): void;
  botPermissionsIn(channelId: string): bigint;

  slashCommand(input: SlashCommandInput): InteractionHandle;
  autocomplete(input: AutocompleteInput): InteractionHandle;
  clickButton(input: ClickButtonInput): InteractionHandle;
  selectMenu(input: SelectMenuInput): InteractionHandle;
  submitModal(input: SubmitModalInput): InteractionHandle;
  postMessage(input: PostMessageInput): StoredMessage;
  /**
   * Stores a message as if the bot had posted it earlier (no REST call, no MESSAGE_CREATE): for buttons
   * that outlive a restart, or benchmarks that need many clickable messages at once.
   */
  seedBotMessage(input: { channelId: string; content?: string; embeds?: Json[]; components?: Json[]; flags?: number }): StoredMessage;

  messages(channelId: string): StoredMessage[];
  message(id: string): StoredMessage | undefined;
  // --- h12-class-discord ---
  /** Messages the bot sent `userId` by direct message, oldest first. */
  directMessages(userId: string): StoredMessage[];
  /** From now on the bot's direct messages to `userId` are refused (403, code 50007). */
  closeDirectMessages(userId: string): void;
  waitForMessage(channelId: string, predicate?: (m: StoredMessage) => boolean, timeoutMs?: number): Promise<StoredMessage>;
  /** Resolves with the first truthy value of `probe`, re-checked on every state change. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number, what?: string): Promise<T>;
  /**
   * Makes the next `times` (default 1) REST calls matching `method` and `path` (a RegExp or a substring of
   * the decoded path, e.g. `/threads`) fail with `status`: 429 carries Retry-After (discord.js waits and
   * retries), 5xx is retried by discord.js too, 4xx is final. The call is logged but does not run.
   */
  injectFault(fault: FaultInput): void;
  /**
   * Runs `run` right before the next `times` (default 1) REST calls matching `method` and `path` are
   * handled, then handles them as usual: "a moderator deletes the message as the bot edits it".
   */
  beforeRequest(hook: RequestHookInput): void;

  // ---- what moderators and Discord itself do (faults) ----
  /** A moderator deletes a message (MESSAGE_DELETE); later edits of it answer 404 code 10008. */
  deleteMessage(id: string): void;
  /** A moderator deletes a thread or channel (THREAD_DELETE/CHANNEL_DELETE); later calls answer 404 code 10003. */
  deleteChannel(id: string): void;
  /**
   * Archives, unarchives, locks or unlocks a thread (THREAD_UPDATE), as auto-archiving or a moderator
   * would. See the header for what Discord then refuses.
   */
  updateThread(id: string, change: { archived?: boolean; locked?: boolean }): void;
  /**
   * Drops every gateway connection (close code 4000 by default, which discord.js answers with RESUME).
   * Events while disconnected are kept and replayed on RESUME; `invalidateSession: true` makes the
   * next RESUME fail with op 9 (the bot must IDENTIFY afresh).
   */
  dropGateway(options?: { code?: number; invalidateSession?: boolean }): void;
  /** IDENTIFYs, RESUMEs, invalid sessions and drops, in order. */
  gatewayEvents: GatewayEventRecord[];
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Constants from the API

const InteractionType = { Ping: 1, ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4, ModalSubmit: 5 } as const;
const Callback = { Pong: 1, Reply: 4, Defer: 5, DeferUpdate: 6, Update: 7, Autocomplete: 8, Modal: 9 } as const;
const MessageFlag = { Ephemeral: 1 << 6, Loading: 1 << 7, ComponentsV2: 1 << 15 } as const;
const Intent = { Guilds: 1 << 0, GuildMembers: 1 << 1, GuildMessages: 1 << 9, MessageContent: 1 << 15 } as const;
const OptionType = { Subcommand: 1, SubcommandGroup: 2, String: 3, Integer: 4, Boolean: 5, User: 6, Channel: 7, Role: 8, Number: 10 } as const;

const DEFAULT_EVERYONE: PermissionName[] = [
  'ViewChannel', 'SendMessages', 'SendMessagesInThreads', 'CreatePublicThreads', 'CreatePrivateThreads',
  'EmbedLinks', 'AttachFiles', 'ReadMessageHistory', 'AddReactions', 'UseApplicationCommands', 'UseExternalEmojis',
];
const DEFAULT_BOT: PermissionName[] = [
  'ViewChannel', 'SendMessages', 'SendMessagesInThreads', 'CreatePublicThreads', 'CreatePrivateThreads',
  'EmbedLinks', 'AttachFiles', 'ReadMessageHistory', 'AddReactions', 'UseApplicationCommands',
];

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asObjects = (v: unknown): Json[] => asArray(v).filter(isObject);
const nowIso = () => new Date().toISOString();

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly failure?: SimFailure['kind'],
  ) {
    super(String(body.message));
  }
}

const unknown = (what: string, code: number) => new HttpError(404, { message: `Unknown ${what}`, code }, 'not-found');
const missingPermissions = (detail: string) =>
  new HttpError(403, { message: 'Missing Permissions', code: 50013, detail }, 'missing-permission');

function invalidBody(problems: FormProblem[]): HttpError {
  if (problems.length === 1 && problems[0]?.code === '50006') {
    return new HttpError(400, { message: 'Cannot send an empty message', code: 50006 }, 'invalid-body');
  }
  return new HttpError(400, { message: 'Invalid Form Body', code: 50035, errors: toErrorTree(problems), detail: describeProblems(problems) }, 'invalid-body');
}

// ---------------------------------------------------------------------------------------------------
// Internal records

interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  payload: Json;
  userId: string;
  channelId: string;
  guildId: string;
  dispatchedAt: number;
  acknowledged: boolean;
  expired: boolean;
  callbacks: CallbackRecord[];
  originalMessageId: string | undefined;
  sourceMessageId: string | undefined;
  followUpIds: string[];
  modal: ShownModal | undefined;
  choices: Array<{ name: string; value: string | number }> | undefined;
  ack: Promise<CallbackRecord>;
  resolveAck: (record: CallbackRecord) => void;
  rejectAck: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface GatewaySession {
  socket: WebSocket;
  sequence: number;
  identified: boolean;
  intents: number;
  sessionId: string;
  /** Dispatches sent (or due while disconnected), for replay on RESUME. */
  log: Array<{ s: number; packet: Json }>;
  /** Set by dropGateway({ invalidateSession }): the next RESUME is refused. */
  invalidated: boolean;
}

/** Events kept per session for RESUME; Discord keeps a similar bounded backlog. */
const RESUME_BACKLOG = 1000;

interface ParsedBody {
  json: Json;
  files: Array<{ index: number; filename: string; contentType: string | undefined; data: Buffer }>;
}

// ---------------------------------------------------------------------------------------------------

export async function startDiscordSimulator(options: SimulatorOptions = {}): Promise<DiscordSimulator> {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const changed = () => events.emit('change');

  const ackDeadlineMs = options.ackDeadlineMs ?? 3000;
  const token = options.token ?? `sim.${createSnowflake()}.token`;
  const applicationId = createSnowflake();
  const botUser: SimUser = {
    id: applicationId,
    username: options.botUsername ?? 'Study Tutor',
    global_name: null,
    discriminator: '0',
    avatar: null,
    bot: true,
    locale: 'en-US',
  };
  const privileged = { messageContent: options.privilegedIntents?.messageContent ?? true, guildMembers: options.privilegedIntents?.guildMembers ?? true };

  const users = new Map<string, SimUser>([[botUser.id, botUser]]);
  const guilds = new Map<string, SimGuild>();
  const channels = new Map<string, SimChannel>();
  const messages = new Map<string, StoredMessage>();
  const channelMessages = new Map<string, string[]>();
  const interactions = new Map<string, InteractionRecord>();
  const interactionsByToken = new Map<string, InteractionRecord>();
  const sessions = new Set<GatewaySession>();
  const requests: RequestRecord[] = [];
  const failures: SimFailure[] = [];
  const commands = { global: [] as RegisteredCommand[], guild: new Map<string, RegisteredCommand[]>() };
  const threadByStarter = new Map<string, string>();
  const faults: Array<FaultInput & { remaining: number }> = [];
  const hooks: Array<RequestHookInput & { remaining: number }> = [];
  const gatewayEvents: GatewayEventRecord[] = [];
  /** Files uploaded as attachment options (not on any message). */
  const uploads = new Map<string, StoredAttachment>();
  let lastModal: ShownModal | undefined;
  let identifiedIntents = 0;
  let closed = false;
  let baseUrl = '';

  function fail(kind: SimFailure['kind'], detail: string): void {
    failures.push({ kind, detail, at: Date.now() });
    if (!options.quiet) console.warn(`[discord-simulator] ${kind}: ${detail}`);
    changed();
  }

  // ---- world building ------------------------------------------------------------------------------

  function createRole(guildId: string, seed: RoleSeed): SimRole {
    const guild = requireGuild(guildId);
    const role: SimRole = { id: seed.id ?? createSnowflake(), name: seed.name, permissions: toPermissionBits(seed.permissions), position: guild.roles.size, managed: false };
    guild.roles.set(role.id, role);
    if (sessions.size > 0) dispatch('GUILD_ROLE_CREATE', { guild_id: guildId, role: apiRole(role) }, Intent.Guilds);
    return role;
  }

  function createChannel(guildId: string, seed: ChannelSeed): SimChannel {
    const guild = requireGuild(guildId);
    const overwrites: PermissionOverwrite[] = [];
    if (seed.everyoneDeny?.length) overwrites.push({ id: guildId, type: 0, allow: 0n, deny: toPermissionBits(seed.everyoneDeny) });
    if (seed.botDeny?.length || seed.botAllow?.length) {
      overwrites.push({ id: botUser.id, type: 1, allow: toPermissionBits(seed.botAllow), deny: toPermissionBits(seed.botDeny) });
    }
    const channel: SimChannel = {
      id: seed.id ?? createSnowflake(), type: 0, guildId, name: seed.name, parentId: null, position: guild.channelIds.length,
      topic: seed.topic ?? null, overwrites, ownerId: null, lastMessageId: null, messageCount: 0, memberIds: new Set(),
      archived: false, locked: false, invitable: true, autoArchiveDuration: 1440, createdAt: nowIso(), starterMessageId: null,
    };
    channels.set(channel.id, channel);
    guild.channelIds.push(channel.id);
    if (sessions.size > 0) dispatch('CHANNEL_CREATE', apiChannel(channel), Intent.Guilds);
    return channel;
  }

  function addMember(guild: SimGuild, user: SimUser, roles: string[] = []): SimMember {
    const member: SimMember = { user, roles, joined_at: nowIso(), nick: null };
    guild.members.set(user.id, member);
    return member;
  }

  function createUser(input: { username: string; locale?: string; globalName?: string; guildId?: string; roles?: string[] }): SimUser {
    const user: SimUser = { id: createSnowflake(), username: input.username, global_name: input.globalName ?? null, discriminator: '0', avatar: null, bot: false, locale: input.locale ?? 'en-US' };
    users.set(user.id, user);
    const targets = input.guildId ? [requireGuild(input.guildId)] : [...guilds.values()];
    for (const guild of targets) {
      const roleIds = (input.roles ?? []).map((r) => resolveRoleId(guild, r));
      const member = addMember(guild, user, roleIds);
      if (sessions.size > 0) dispatch('GUILD_MEMBER_ADD', { ...apiMember(member), guild_id: guild.id }, Intent.GuildMembers);
    }
    changed();
    return user;
  }

  function resolveRoleId(guild: SimGuild, idOrName: string): string {
    if (guild.roles.has(idOrName)) return idOrName;
    const byName = [...guild.roles.values()].find((r) => r.name === idOrName);
    if (!byName) throw new Error(`No role "${idOrName}" in guild ${guild.name}`);
    return byName.id;
  }

  const guildSeeds: GuildSeed[] = options.guilds ?? [{ name: 'Study Hall', channels: [{ name: 'general' }, { name: 'quiz' }] }];
  for (const seed of guildSeeds) {
    const id = seed.id ?? createSnowflake();
    const owner: SimUser = { id: createSnowflake(), username: 'server-owner', global_name: 'Server Owner', discriminator: '0', avatar: null, bot: false, locale: 'en-US' };
    users.set(owner.id, owner);
    const guild: SimGuild = { id, name: seed.name ?? 'Study Hall', ownerId: owner.id, locale: seed.locale ?? 'en-US', roles: new Map(), members: new Map(), channelIds: [] };
    guilds.set(id, guild);
    guild.roles.set(id, { id, name: '@everyone', permissions: toPermissionBits(seed.everyonePermissions ?? DEFAULT_EVERYONE), position: 0, managed: false });
    const botRole: SimRole = { id: createSnowflake(), name: botUser.username, permissions: toPermissionBits(options.botPermissions ?? DEFAULT_BOT), position: 1, managed: true };
    guild.roles.set(botRole.id, botRole);
    for (const role of seed.roles ?? []) createRole(id, role);
    addMember(guild, owner);
    addMember(guild, botUser, [botRole.id]);
    for (const channel of seed.channels ?? [{ name: 'general' }]) createChannel(id, channel);
  }
  const firstGuildId = [...guilds.keys()][0];
  if (!firstGuildId) throw new Error('startDiscordSimulator needs at least one guild');

  function requireGuild(id: string): SimGuild {
    const guild = guilds.get(id);
    if (!guild) throw new Error(`No guild ${id} in the simulator`);
    return guild;
  }

  function requireChannel(id: string): SimChannel {
    const channel = channels.get(id);
    if (!channel) throw new Error(`No channel ${id} in the simulator`);
    return channel;
  }

  function permissionsOf(userId: string, channel: SimChannel): bigint {
    const guild = requireGuild(channel.guildId);
    const member = guild.members.get(userId);
    if (!member) return 0n;
    const parent = channel.parentId ? channels.get(channel.parentId) : undefined;
    const rolePermissions = new Map([...guild.roles.values()].map((r) => [r.id, r.permissions]));
    return computeChannelPermissions(
      { guildId: guild.id, ownerId: guild.ownerId, userId, memberRoleIds: member.roles, rolePermissions },
      (parent ?? channel).overwrites,
    );
  }

  function memberPermissions(guild: SimGuild, userId: string): bigint {
    const member = guild.members.get(userId);
    if (userId === guild.ownerId) return ALL_PERMISSIONS;
    let bits = guild.roles.get(guild.id)?.permissions ?? 0n;
    for (const r of member?.roles ?? []) bits |= guild.roles.get(r)?.permissions ?? 0n;
    return hasPermission(bits, 'Administrator') ? ALL_PERMISSIONS : bits;
  }

  function canView(userId: string, channel: SimChannel): boolean {
    const bits = permissionsOf(userId, channel);
    if (!hasPermission(bits, 'ViewChannel')) return false;
    if (channel.type === 12) return channel.memberIds.has(userId) || hasPermission(bits, 'ManageThreads');
    return true;
  }

  // ---- API shapes ----------------------------------------------------------------------------------

  function apiUser(user: SimUser): Json {
    return { id: user.id, username: user.username, global_name: user.global_name, discriminator: '0', avatar: null, bot: user.bot || undefined, public_flags: 0, flags: 0 };
  }

  function apiRole(role: SimRole): Json {
    return {
      id: role.id, name: role.name, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null,
      position: role.position, permissions: role.permissions.toString(), managed: role.managed, mentionable: false, flags: 0,
      ...(role.managed ? { tags: { bot_id: botUser.id } } : {}),
    };
  }

  function apiMember(member: SimMember, withUser = true): Json {
    return {
      ...(withUser ? { user: apiUser(member.user) } : {}),
      nick: member.nick, avatar: null, banner: null, roles: member.roles, joined_at: member.joined_at, premium_since: null,
      deaf: false, mute: false, flags: 0, pending: false, communication_disabled_until: null,
    };
  }

  function apiChannel(channel: SimChannel): Json {
    const base: Json = {
      id: channel.id, type: channel.type, guild_id: channel.guildId, name: channel.name, parent_id: channel.parentId,
      last_message_id: channel.lastMessageId, rate_limit_per_user: 0, flags: 0,
    };
    if (channel.type === 11 || channel.type === 12) {
      return {
        ...base, owner_id: channel.ownerId, message_count: channel.messageCount, member_count: Math.min(channel.memberIds.size, 50),
        total_message_sent: channel.messageCount,
        thread_metadata: {
          archived: channel.archived, auto_archive_duration: channel.autoArchiveDuration, archive_timestamp: channel.createdAt,
          locked: channel.locked, create_timestamp: channel.createdAt, ...(channel.type === 12 ? { invitable: channel.invitable } : {}),
        },
      };
    }
    return {
      ...base, position: channel.position, topic: channel.topic, nsfw: false,
      permission_overwrites: channel.overwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow.toString(), deny: o.deny.toString() })),
    };
  }

  function apiThreadMember(channel: SimChannel, userId: string): Json {
    return { id: channel.id, user_id: userId, join_timestamp: nowIso(), flags: 0 };
  }

  function apiAttachment(a: StoredAttachment): Json {
    return { id: a.id, filename: a.filename, size: a.size, url: a.url, proxy_url: a.proxy_url, ...(a.content_type ? { content_type: a.content_type } : {}), ...(a.description ? { description: a.description } : {}) };
  }

  function apiMessage(m: StoredMessage, forBot = false, intents = identifiedIntents): Json {
    const channel = channels.get(m.channel_id);
    const guild = channel ? guilds.get(channel.guildId) : undefined;
    const hideContent = forBot && !(intents & Intent.MessageContent) && m.author.id !== botUser.id && !m.pings.users.includes(botUser.id);
    const threadId = threadByStarter.get(m.id);
    const thread = threadId ? channels.get(threadId) : undefined;
    return {
      id: m.id, type: m.type, channel_id: m.channel_id, ...(m.guild_id ? { guild_id: m.guild_id } : {}),
      author: apiUser(m.author), content: hideContent ? '' : m.content, timestamp: m.timestamp, edited_timestamp: m.edited_timestamp,
      tts: false, mention_everyone: m.pings.everyone,
      mentions: m.pings.users.map((id) => users.get(id)).filter((u): u is SimUser => !!u).map(apiUser),
      mention_roles: m.pings.roles, attachments: hideContent ? [] : m.attachments.map(apiAttachment), embeds: hideContent ? [] : m.embeds,
      components: hideContent ? [] : m.components, flags: m.flags, pinned: false,
      ...(m.webhook_id ? { webhook_id: m.webhook_id } : {}), ...(m.application_id ? { application_id: m.application_id } : {}),
      ...(m.interaction_metadata ? { interaction_metadata: m.interaction_metadata } : {}),
      ...(m.message_reference ? { message_reference: m.message_reference } : {}),
      ...(thread ? { thread: apiChannel(thread) } : {}),
      ...(forBot && guild && guild.members.get(m.author.id) && !m.webhook_id ? { member: apiMember(guild.members.get(m.author.id) as SimMember, false) } : {}),
    };
  }

  function apiGuild(guild: SimGuild): Json {
    const guildChannels = guild.channelIds.map((id) => channels.get(id)).filter((c): c is SimChannel => !!c);
    return {
      id: guild.id, name: guild.name, icon: null, splash: null, discovery_splash: null, owner_id: guild.ownerId, afk_channel_id: null, afk_timeout: 300,
      verification_level: 0, default_message_notifications: 1, explicit_content_filter: 0, roles: [...guild.roles.values()].map(apiRole),
      emojis: [], features: [], mfa_level: 0, application_id: null, system_channel_id: null, system_channel_flags: 0, rules_channel_id: null,
      vanity_url_code: null, description: null, banner: null, premium_tier: 0, premium_subscription_count: 0, preferred_locale: guild.locale,
      public_updates_channel_id: null, nsfw_level: 0, stickers: [], premium_progress_bar_enabled: false, safety_alerts_channel_id: null,
      joined_at: guild.members.get(botUser.id)?.joined_at ?? nowIso(), large: false, unavailable: false, member_count: guild.members.size,
      voice_states: [], members: [...guild.members.values()].map((m) => apiMember(m)),
      channels: guildChannels.filter((c) => c.type !== 11 && c.type !== 12).map(apiChannel),
      threads: guildChannels.filter((c) => (c.type === 11 || c.type === 12) && !c.archived && canView(botUser.id, c)).map(apiChannel),
      presences: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
    };
  }

  // ---- gateway ----------------------------------------------------------------------------------------

  function send(session: GatewaySession, payload: Json): void {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(payload));
  }

  function dispatch(event: string, data: Json | ((session: GatewaySession) => Json), intent?: number): void {
    for (const session of sessions) {
      if (!session.identified) continue;
      if (intent !== undefined && (session.intents & intent) === 0) continue;
      session.sequence += 1;
      const packet = { op: 0, t: event, s: session.sequence, d: typeof data === 'function' ? data(session) : data };
      // Kept for RESUME; a session whose socket dropped still collects events until it resumes.
      session.log.push({ s: session.sequence, packet });
      if (session.log.length > RESUME_BACKLOG) session.log.shift();
      send(session, packet);
    }
  }

  function isLive(session: GatewaySession): boolean {
    return session.identified && session.socket.readyState === session.socket.OPEN;
  }

  function handleGatewayMessage(session: GatewaySession, raw: string): void {
    let packet: Json;
    try {
      packet = JSON.parse(raw) as Json;
    } catch {
      session.socket.close(4002, 'Decode error');
      return;
    }
    const d = isObject(packet.d) ? packet.d : {};
    switch (packet.op) {
      case 1:
        send(session, { op: 11 });
        return;
      case 2: {
        if (d.token !== token && d.token !== `Bot ${token}`) {
          fail('unauthorized', 'IDENTIFY with a wrong token');
          session.socket.close(4004, 'Authentication failed.');
          return;
        }
        const intents = Number(d.intents ?? 0);
        if ((intents & Intent.MessageContent && !privileged.messageContent) || (intents & Intent.GuildMembers && !privileged.guildMembers)) {
          session.socket.close(4014, 'Disallowed intent(s).');
          return;
        }
        session.identified = true;
        session.intents = intents;
        identifiedIntents = intents;
        gatewayEvents.push({ kind: 'identify', sessionId: session.sessionId, at: Date.now() });
        session.sequence += 1;
        send(session, {
          op: 0, t: 'READY', s: session.sequence,
          d: {
            v: 10, user: { ...apiUser(botUser), verified: true, mfa_enabled: false, email: null }, private_channels: [], presences: [],
            guilds: [...guilds.keys()].map((id) => ({ id, unavailable: true })), session_id: session.sessionId,
            resume_gateway_url: gatewayUrl(), shard: [0, 1], application: { id: applicationId, flags: 0 }, session_type: 'normal',
            auth: {}, geo_ordered_rtc_regions: [], guild_join_requests: [], user_settings: {}, relationships: [],
          },
        });
        if (intents & Intent.Guilds) {
          for (const guild of guilds.values()) {
            session.sequence += 1;
            send(session, { op: 0, t: 'GUILD_CREATE', s: session.sequence, d: apiGuild(guild) });
          }
        }
        changed();
        return;
      }
      case 8: {
        // Request Guild Members: answered in one chunk, like Discord for small guilds.
        const guild = guilds.get(String(d.guild_id));
        if (!guild) return;
        if (!(session.intents & Intent.GuildMembers) && !Array.isArray(d.user_ids)) {
          session.socket.close(4013, 'Invalid intent(s).');
          return;
        }
        const ids = Array.isArray(d.user_ids) ? d.user_ids.map(String) : undefined;
        const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
        const limit = typeof d.limit === 'number' && d.limit > 0 ? d.limit : Number.POSITIVE_INFINITY;
        const found = [...guild.members.values()]
          .filter((m) => (ids ? ids.includes(m.user.id) : m.user.username.toLowerCase().startsWith(query) || (m.nick ?? '').toLowerCase().startsWith(query)))
          .slice(0, limit);
        session.sequence += 1;
        send(session, {
          op: 0, t: 'GUILD_MEMBERS_CHUNK', s: session.sequence,
          d: {
            guild_id: guild.id, members: found.map((m) => apiMember(m)), chunk_index: 0, chunk_count: 1,
            ...(ids ? { not_found: ids.filter((id) => !guild.members.has(id)) } : {}), ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
          },
        });
        return;
      }
      case 6: {
        // RESUME: the new socket takes over the dropped session, missed events are replayed, then RESUMED.
        const previous = [...sessions].find((s) => s !== session && s.sessionId === String(d.session_id));
        if (!previous || previous.invalidated || (d.token !== token && d.token !== `Bot ${token}`)) {
          if (previous) sessions.delete(previous);
          gatewayEvents.push({ kind: 'invalid-session', sessionId: String(d.session_id), at: Date.now() });
          send(session, { op: 9, d: false });
          changed();
          return;
        }
        sessions.delete(session);
        previous.socket = session.socket;
        socketSessions.set(session.socket, previous);
        const since = Number(d.seq ?? 0);
        const missed = previous.log.filter((entry) => entry.s > since);
        for (const entry of missed) send(previous, entry.packet);
        previous.sequence += 1;
        send(previous, { op: 0, t: 'RESUMED', s: previous.sequence, d: {} });
        gatewayEvents.push({ kind: 'resume', sessionId: previous.sessionId, replayed: missed.length, at: Date.now() });
        changed();
        return;
      }
      default:
        return;
    }
  }

  // ---- messages ------------------------------------------------------------------------------------

  function computePings(content: string, allowed: Json | undefined, guild: SimGuild | undefined, replyAuthorId?: string): Pings {
    const userIds = [...new Set([...content.matchAll(/<@!?(\d{17,20})>/g)].map((m) => m[1] as string))];
    const roleIds = [...new Set([...content.matchAll(/<@&(\d{17,20})>/g)].map((m) => m[1] as string))];
    const everyone = /@(everyone|here)/.test(content);
    if (!allowed) {
      return { users: [...userIds, ...(replyAuthorId ? [replyAuthorId] : [])], roles: roleIds.filter((id) => guild?.roles.has(id)), everyone };
    }
    const parse = asArray(allowed.parse).map(String);
    const allowedUsers = asArray(allowed.users).map(String);
    const allowedRoles = asArray(allowed.roles).map(String);
    const pingedUsers = userIds.filter((id) => parse.includes('users') || allowedUsers.includes(id));
    if (replyAuthorId && allowed.replied_user === true) pingedUsers.push(replyAuthorId);
    return {
      users: [...new Set(pingedUsers)],
      roles: roleIds.filter((id) => parse.includes('roles') || allowedRoles.includes(id)),
      everyone: everyone && parse.includes('everyone'),
    };
  }

  function storeAttachments(channelId: string, body: ParsedBody, keep: StoredAttachment[]): StoredAttachment[] {
    const described = asObjects(body.json.attachments);
    const kept = body.json.attachments === undefined ? keep : keep.filter((a) => described.some((d) => String(d.id) === a.id));
    const added = body.files.map((file) => {
      const meta = described.find((d) => String(d.id) === String(file.index));
      const id = createSnowflake();
      const filename = typeof meta?.filename === 'string' ? meta.filename : file.filename;
      const url = `${baseUrl}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
      return {
        id, filename, size: file.data.length, content_type: file.contentType, description: typeof meta?.description === 'string' ? meta.description : undefined,
        url, proxy_url: url, data: file.data,
      } satisfies StoredAttachment;
    });
    return [...kept, ...added];
  }

  function storeUpload(input: UploadInput): StoredAttachment {
    const id = createSnowflake();
    const url = `${baseUrl}/attachments/${applicationId}/${id}/${encodeURIComponent(input.filename)}`;
    const upload: StoredAttachment = { id, filename: input.filename, size: input.data.length, content_type: input.contentType, description: undefined, url, proxy_url: url, data: input.data };
    uploads.set(id, upload);
    return upload;
  }

  function createMessage(input: {
    channel: SimChannel; author: SimUser; body: ParsedBody; type?: number; interaction?: InteractionRecord; flags?: number; webhook?: boolean;
    /** Store without telling the bot (seeded history). */
    silent?: boolean;
  }): StoredMessage {
    const { channel, author, body } = input;
    const guild = guilds.get(channel.guildId);
    const reference = isObject(body.json.message_reference) ? body.json.message_reference : undefined;
    const repliedTo = reference?.message_id ? messages.get(String(reference.message_id)) : undefined;
    const content = typeof body.json.content === 'string' ? body.json.content : '';
    const allowed = isObject(body.json.allowed_mentions) ? body.json.allowed_mentions : undefined;
    const message: StoredMessage = {
      id: createSnowflake(), channel_id: channel.id, guild_id: channel.guildId, author, type: input.type ?? (repliedTo ? 19 : 0), content,
      embeds: asObjects(body.json.embeds), components: asObjects(body.json.components), attachments: [],
      flags: input.flags ?? (typeof body.json.flags === 'number' ? body.json.flags : 0), timestamp: nowIso(), edited_timestamp: null,
      allowed_mentions: allowed, pings: computePings(content, allowed, guild, repliedTo?.author.id),
      message_reference: reference ? { type: 0, message_id: String(reference.message_id), channel_id: channel.id, guild_id: channel.guildId } : undefined,
      webhook_id: input.webhook ? applicationId : undefined, application_id: input.webhook || input.interaction ? applicationId : undefined,
      interaction_metadata: input.interaction
        ? { id: input.interaction.id, type: input.interaction.type, user: apiUser(users.get(input.interaction.userId) as SimUser), authorizing_integration_owners: { 0: channel.guildId }, ...(input.interaction.type === InteractionType.ApplicationCommand ? { name: (input.interaction.payload.data as Json).name } : {}) }
        : undefined,
      interactionId: input.interaction?.id, deleted: false, editCount: 0,
    };
    message.attachments = storeAttachments(channel.id, body, []);
    messages.set(message.id, message);
    const list = channelMessages.get(channel.id) ?? [];
    list.push(message.id);
    channelMessages.set(channel.id, list);
    channel.lastMessageId = message.id;
    channel.messageCount += 1;
    // A new message reopens an archived thread that is not locked (Discord does the same).
    const reopened = channel.type !== 0 && channel.archived && !channel.locked;
    if (reopened) channel.archived = false;
    if (reopened) dispatch('THREAD_UPDATE', apiChannel(channel), Intent.Guilds);
    // Ephemeral messages are never dispatched, like Discord.
    if (!input.silent && (message.flags & MessageFlag.Ephemeral) === 0 && canView(botUser.id, channel)) {
      dispatch('MESSAGE_CREATE', (session) => apiMessage(message, true, session.intents), Intent.GuildMessages);
    }
    changed();
    return message;
  }

  function editMessage(message: StoredMessage, body: ParsedBody): StoredMessage {
    const json = body.json;
    if ('content' in json) message.content = typeof json.content === 'string' ? json.content : '';
    if ('embeds' in json) message.embeds = asObjects(json.embeds);
    if ('components' in json) message.components = asObjects(json.components);
    if ('allowed_mentions' in json) message.allowed_mentions = isObject(json.allowed_mentions) ? json.allowed_mentions : undefined;
    if (typeof json.flags === 'number') message.flags = (message.flags & (MessageFlag.Ephemeral)) | (json.flags & ~MessageFlag.Ephemeral);
    message.flags &= ~MessageFlag.Loading;
    message.attachments = storeAttachments(message.channel_id, body, message.attachments);
    const repliedTo = message.message_reference ? messages.get(String(message.message_reference.message_id)) : undefined;
    message.pings = computePings(message.content, message.allowed_mentions, guilds.get(message.guild_id ?? ''), repliedTo?.author.id);
    message.edited_timestamp = nowIso();
    message.editCount += 1;
    if ((message.flags & MessageFlag.Ephemeral) === 0) dispatch('MESSAGE_UPDATE', (session) => apiMessage(message, true, session.intents), Intent.GuildMessages);
    changed();
    return message;
  }

  function deleteMessage(message: StoredMessage): void {
    message.deleted = true;
    if ((message.flags & MessageFlag.Ephemeral) === 0) dispatch('MESSAGE_DELETE', { id: message.id, channel_id: message.channel_id, guild_id: message.guild_id }, Intent.GuildMessages);
    changed();
  }

  function validateOrThrow(body: ParsedBody, isEdit: boolean): void {
    const problems = validateMessageBody(body.json, { isEdit, fileCount: body.files.length });
    if (problems.length > 0) throw invalidBody(problems);
  }

  /**
   * What a thread's state refuses, checked before a visible message is created or edited there:
   * - locked and archived: 400 code 50083, for everything (discord/discord-api-docs#5517: even
   *   interaction callbacks);
   * - locked (bot without Manage Threads): 400 code 160005 "Thread is locked" for interaction
   *   responses and follow-ups, 403 code 50013 for the bot's own channel messages (its permissions);
   * - archived, not locked: edits answer 400 code 50083; a new message reopens the thread.
   * Ephemeral responses reach the user wherever they are.
   */
  function guardThreadWrite(channel: SimChannel, kind: 'create' | 'edit', via: 'bot' | 'interaction'): void {
    if (channel.type !== 11 && channel.type !== 12) return;
    const moderator = via === 'bot' && hasPermission(permissionsOf(botUser.id, channel), 'ManageThreads');
    if (channel.locked && !moderator) {
      if (channel.archived) throw new HttpError(400, { message: 'Thread is archived', code: 50083 });
      if (via === 'interaction') throw new HttpError(400, { message: 'Thread is locked', code: 160005 });
      // Not recorded in sim.failures: a moderator locked the thread, the bot did nothing wrong.
      throw new HttpError(403, { message: 'Missing Permissions', code: 50013 });
    }
    if (channel.archived && kind === 'edit') throw new HttpError(400, { message: 'Thread is archived', code: 50083 });
  }

  /** A channel an interaction happened in, or 10003 once a moderator deleted it. */
  function interactionChannel(record: InteractionRecord, threadId?: string | null): SimChannel {
    const channel = channels.get(threadId ?? record.channelId);
    if (!channel) throw unknown('Channel', 10003);
    return channel;
  }

  function requireBotCanSend(channel: SimChannel, body: ParsedBody): void {
    const bits = permissionsOf(botUser.id, channel);
    if (!canView(botUser.id, channel)) throw missingPermissions(`the bot cannot view channel ${channel.name}`);
    const sendPermission: PermissionName = channel.type === 0 ? 'SendMessages' : 'SendMessagesInThreads';
    if (!hasPermission(bits, sendPermission)) throw missingPermissions(`the bot lacks ${sendPermission} in ${channel.name}`);
    if (body.files.length > 0 && !hasPermission(bits, 'AttachFiles')) throw missingPermissions(`the bot lacks AttachFiles in ${channel.name}`);
    guardThreadWrite(channel, 'create', 'bot');
  }

  // ---- interactions ----------------------------------------------------------------------------------

  function createInteraction(input: { type: number; user: SimUser; channelId: string; data: Json; message?: StoredMessage; locale?: string }): InteractionHandle {
    if (closed) throw new Error('The Discord simulator is closed');
    const channel = requireChannel(input.channelId);
    const guild = requireGuild(channel.guildId);
    const member = guild.members.get(input.user.id);
    if (!member) throw new Error(`${input.user.username} is not a member of ${guild.name}`);
    if (!canView(input.user.id, channel)) throw new Error(`${input.user.username} cannot see #${channel.name}`);
    // A session whose connection dropped still counts: the event waits for its RESUME, as on Discord.
    if (!sessions.size || ![...sessions].some((s) => s.identified)) throw new Error('No bot is connected to the simulator gateway yet (await sim.waitForReady())');
    const id = createSnowflake();
    const interactionToken = `aW50ZXJhY3Rpb246${id}:${Math.random().toString(36).slice(2)}`;
    const payload: Json = {
      id, application_id: applicationId, type: input.type, token: interactionToken, version: 1, data: input.data,
      guild_id: guild.id, guild: { id: guild.id, locale: guild.locale, features: [] }, channel_id: channel.id, channel: apiChannel(channel),
      member: { ...apiMember(member), permissions: memberPermissions(guild, input.user.id).toString() },
      app_permissions: permissionsOf(botUser.id, channel).toString(), locale: input.locale ?? input.user.locale, guild_locale: guild.locale,
      entitlements: [], authorizing_integration_owners: { 0: guild.id }, context: 0, attachment_size_limit: 10 * 1024 * 1024,
      ...(input.message ? { message: apiMessage(input.message) } : {}),
    };
    let resolveAck!: (record: CallbackRecord) => void;
    let rejectAck!: (error: Error) => void;
    const ack = new Promise<CallbackRecord>((resolve, reject) => {
      resolveAck = resolve;
      rejectAck = reject;
    });
    // Tests that never await the ack must not see an unhandled rejection; awaiting it still rejects.
    ack.catch(() => undefined);
    const record: InteractionRecord = {
      id, token: interactionToken, type: input.type, payload, userId: input.user.id, channelId: channel.id, guildId: guild.id,
      dispatchedAt: 0, acknowledged: false, expired: false, callbacks: [], originalMessageId: undefined,
      sourceMessageId: input.message?.id, followUpIds: [], modal: undefined, choices: undefined, ack, resolveAck, rejectAck,
      timer: setTimeout(() => {
        if (record.acknowledged) return;
        record.expired = true;
        const what = describeInteraction(record);
        fail('unacknowledged', `${what} was not acknowledged within ${ackDeadlineMs} ms`);
        rejectAck(new Error(`${what} was not acknowledged within ${ackDeadlineMs} ms (Discord shows "This interaction failed")`));
      }, ackDeadlineMs),
    };
    record.timer.unref();
    interactions.set(id, record);
    interactionsByToken.set(interactionToken, record);
    record.dispatchedAt = performance.now();
    dispatch('INTERACTION_CREATE', payload);
    return handleFor(record);
  }

  function describeInteraction(record: InteractionRecord): string {
    const data = record.payload.data as Json;
    const name = record.type === InteractionType.ApplicationCommand || record.type === InteractionType.Autocomplete ? `/${String(data.name)}` : String(data.custom_id);
    return `interaction ${record.id} (${name})`;
  }

  function handleFor(record: InteractionRecord): InteractionHandle {
    const original = () => (record.originalMessageId ? messages.get(record.originalMessageId) : undefined);
    const followUps = () => record.followUpIds.map((id) => messages.get(id)).filter((m): m is StoredMessage => !!m && !m.deleted);
    return {
      id: record.id, token: record.token, payload: record.payload,
      ack: record.ack,
      callbacks: record.callbacks,
      get modal() {
        return record.modal;
      },
      original: () => { const m = original(); return m && !m.deleted ? m : undefined; },
      waitForOriginal: (predicate = () => true, timeoutMs = 5000) =>
        waitFor(() => { const m = original(); return m && !m.deleted && (m.flags & MessageFlag.Loading) === 0 && predicate(m) ? m : undefined; }, timeoutMs, `the original response of ${describeInteraction(record)}`),
      followUps,
      waitForFollowUp: (predicate = () => true, timeoutMs = 5000) =>
        waitFor(() => followUps().find(predicate), timeoutMs, `a follow-up to ${describeInteraction(record)}`),
      choices: () => record.choices,
    } as InteractionHandle;
  }

  function resolveMessage(ref: MessageRef): StoredMessage {
    const message = typeof ref === 'string' ? messages.get(ref) : messages.get(ref.id);
    if (!message || message.deleted) throw new Error(`Message ${typeof ref === 'string' ? ref : ref.id} does not exist (deleted?)`);
    return message;
  }

  function findComponent(message: StoredMessage, customId: string): Json | undefined {
    const stack: Json[] = [...message.components];
    while (stack.length > 0) {
      const component = stack.shift() as Json;
      if (component.custom_id === customId) return component;
      stack.push(...asObjects(component.components));
      if (isObject(component.accessory)) stack.push(component.accessory);
      if (isObject(component.component)) stack.push(component.component);
    }
    return undefined;
  }

  function listComponentIds(message: StoredMessage): string {
    const ids: string[] = [];
    const stack: Json[] = [...message.components];
    while (stack.length > 0) {
      const c = stack.shift() as Json;
      if (typeof c.custom_id === 'string') ids.push(c.custom_id);
      stack.push(...asObjects(c.components));
      if (isObject(c.accessory)) stack.push(c.accessory);
    }
    return ids.join(', ') || '(none)';
  }

  function findCommand(name: string, guildId: string): RegisteredCommand | undefined {
    return commands.guild.get(guildId)?.find((c) => c.name === name && (c.type ?? 1) === 1) ?? commands.global.find((c) => c.name === name && (c.type ?? 1) === 1);
  }

  const syntheticCommandIds = new Map<string, string>();

  function buildCommandData(input: SlashCommandInput, guildId: string, focused?: string): Json {
    const command = findCommand(input.name, guildId);
    let definitions = asObjects(command?.options);
    const wrap: Array<{ type: number; name: string }> = [];
    if (input.subcommandGroup) {
      wrap.push({ type: OptionType.SubcommandGroup, name: input.subcommandGroup });
      definitions = asObjects(definitions.find((o) => o.name === input.subcommandGroup)?.options);
    }
    if (input.subcommand) {
      wrap.push({ type: OptionType.Subcommand, name: input.subcommand });
      definitions = asObjects(definitions.find((o) => o.name === input.subcommand)?.options);
    }
    const resolved: Json = {};
    let options: Json[];
    if (Array.isArray(input.options)) {
      options = input.options;
    } else {
      options = Object.entries(input.options ?? {}).map(([name, value]) => {
        const definition = definitions.find((d) => d.name === name);
        if (command && !definition) throw new Error(`/${input.name} has no option "${name}" (registered: ${definitions.map((d) => String(d.name)).join(', ') || 'none'})`);
        if (typeof value === 'object' && 'data' in value) {
          const upload = storeUpload(value);
          resolved.attachments = { ...((resolved.attachments as Json | undefined) ?? {}), [upload.id]: apiAttachment(upload) };
          return { name, type: 11, value: upload.id };
        }
        if (typeof value === 'object') {
          const resolvedUsers = (resolved.users as Json | undefined) ?? {};
          resolvedUsers[value.id] = apiUser(value);
          resolved.users = resolvedUsers;
          const member = guilds.get(guildId)?.members.get(value.id);
          if (member) resolved.members = { ...((resolved.members as Json | undefined) ?? {}), [value.id]: { ...apiMember(member, false), permissions: memberPermissions(requireGuild(guildId), value.id).toString() } };
          return { name, type: OptionType.User, value: value.id };
        }
        const type = typeof definition?.type === 'number'
          ? definition.type
          : typeof value === 'boolean' ? OptionType.Boolean : typeof value === 'number' ? (Number.isInteger(value) ? OptionType.Integer : OptionType.Number) : OptionType.String;
        if (focused !== undefined) return { name, type, value: String(value), ...(name === focused ? { focused: true } : {}) };
        return { name, type, value };
      });
      if (command && focused === undefined) {
        const missing = definitions.filter((d) => d.required === true && !options.some((o) => o.name === d.name)).map((d) => String(d.name));
        if (missing.length > 0) throw new Error(`/${input.name} requires option(s) ${missing.join(', ')}: Discord would not let the user send it`);
      }
    }
    for (const level of [...wrap].reverse()) options = [{ type: level.type, name: level.name, options }];
    let commandId = command?.id;
    if (!commandId) {
      commandId = syntheticCommandIds.get(input.name) ?? createSnowflake();
      syntheticCommandIds.set(input.name, commandId);
    }
    return {
      id: commandId, name: input.name, type: 1, options,
      ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    };
  }

  function defaultChannelId(guildId: string | undefined): string {
    const guild = requireGuild(guildId ?? firstGuildId as string);
    const id = guild.channelIds.find((c) => channels.get(c)?.type === 0);
    if (!id) throw new Error(`Guild ${guild.name} has no text channel`);
    return id;
  }

  // ---- REST ------------------------------------------------------------------------------------------

  async function readBody(req: IncomingMessage): Promise<ParsedBody> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const contentType = req.headers['content-type'] ?? '';
    if (raw.length === 0) return { json: {}, files: [] };
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData();
      let json: Json = {};
      const files: ParsedBody['files'] = [];
      for (const [key, value] of form.entries()) {
        if (key === 'payload_json' && typeof value === 'string') json = JSON.parse(value) as Json;
        else if (typeof value !== 'string') {
          const match = /^files\[(\d+)\]$/.exec(key) ?? /^file(\d*)$/.exec(key);
          const index = match?.[1] ? Number(match[1]) : files.length;
          files.push({ index, filename: value.name, contentType: value.type || undefined, data: Buffer.from(await value.arrayBuffer()) });
        }
      }
      return { json, files };
    }
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    return { json: isObject(parsed) ? parsed : { _array: parsed }, files: [] };
  }

  interface RouteContext {
    params: string[];
    body: ParsedBody;
    query: URLSearchParams;
  }
  type RouteResult = { status: number; body?: unknown };
  type RouteHandler = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;
  interface Route {
    method: string;
    pattern: RegExp;
    auth: boolean;
    handler: RouteHandler;
  }
  const routes: Route[] = [];
  const ID = '([^/]+)';
  function route(method: string, path: string, handler: RouteHandler, auth = true): void {
    routes.push({ method, pattern: new RegExp(`^${path.replaceAll(':id', ID)}$`), auth, handler });
  }
  const ok = (body?: unknown): RouteResult => ({ status: body === undefined ? 204 : 200, body });

  function interactionByToken(appId: string, interactionToken: string): InteractionRecord {
    const record = interactionsByToken.get(interactionToken);
    if (!record || appId !== applicationId) throw new HttpError(404, { message: 'Unknown Webhook', code: 10015 }, 'not-found');
    return record;
  }

  function targetMessage(record: InteractionRecord, messageId: string): StoredMessage {
    interactionChannel(record);
    if (messageId === '@original') {
      const id = record.originalMessageId;
      const message = id ? messages.get(id) : undefined;
      if (!message || message.deleted) throw unknown('Message', 10008);
      return message;
    }
    const message = messages.get(messageId);
    if (!message || message.deleted || !(record.followUpIds.includes(messageId) || record.originalMessageId === messageId)) throw unknown('Message', 10008);
    return message;
  }

  // Interaction callback: the only request that is not throttled by discord.js, and the one we time.
  route('POST', '/interactions/:id/:id/callback', ({ params, body, query }) => {
    const [interactionId, interactionToken] = params as [string, string];
    const receivedAt = performance.now();
    const record = interactions.get(interactionId);
    if (!record || record.token !== interactionToken) throw unknown('interaction', 10062);
    const type = Number(body.json.type);
    const data = isObject(body.json.data) ? body.json.data : undefined;
    const elapsedMs = receivedAt - record.dispatchedAt;
    const callback: CallbackRecord = { type, data, elapsedMs, status: 0 };
    record.callbacks.push(callback);
    const reject = (error: HttpError, kind?: SimFailure['kind']) => {
      callback.status = error.status;
      callback.errorCode = Number(error.body.code);
      if (kind) fail(kind, `${describeInteraction(record)}: ${String(error.body.message)} (callback type ${type} after ${elapsedMs.toFixed(0)} ms)`);
      changed();
      return error;
    };
    if (record.acknowledged) throw reject(new HttpError(400, { message: 'Interaction has already been acknowledged.', code: 40060 }), 'double-ack');
    if (record.expired || elapsedMs > ackDeadlineMs) throw reject(new HttpError(404, { message: 'Unknown interaction', code: 10062 }), 'late-ack');

    const isComponent = record.type === InteractionType.MessageComponent || (record.type === InteractionType.ModalSubmit && record.sourceMessageId !== undefined);
    const allowedTypes: number[] =
      record.type === InteractionType.Autocomplete ? [Callback.Autocomplete]
        : record.type === InteractionType.ModalSubmit ? [Callback.Reply, Callback.Defer, ...(isComponent ? [Callback.DeferUpdate, Callback.Update] : [])]
          : record.type === InteractionType.MessageComponent ? [Callback.Reply, Callback.Defer, Callback.DeferUpdate, Callback.Update, Callback.Modal]
            : [Callback.Reply, Callback.Defer, Callback.Modal];
    if (!allowedTypes.includes(type)) {
      throw reject(new HttpError(400, { message: 'Invalid Form Body', code: 50035, errors: toErrorTree([{ path: ['type'], code: 'INTERACTION_CALLBACK_TYPE_INVALID', message: `Callback type ${type} is not valid for interaction type ${record.type}` }]) }), 'invalid-body');
    }
    const bodyData: ParsedBody = { json: data ?? {}, files: body.files };
    let resourceMessage: StoredMessage | undefined;
    try {
      const channel = interactionChannel(record);
      const ephemeral = (Number(data?.flags ?? 0) & MessageFlag.Ephemeral) !== 0;
      if ((type === Callback.Reply || type === Callback.Defer) && !ephemeral) guardThreadWrite(channel, 'create', 'interaction');
      switch (type) {
        case Callback.Reply:
          validateOrThrow(bodyData, false);
          resourceMessage = createMessage({ channel, author: botUser, body: bodyData, type: record.type === InteractionType.ApplicationCommand ? 20 : 0, interaction: record, webhook: true });
          record.originalMessageId = resourceMessage.id;
          break;
        case Callback.Defer: {
          const flags = MessageFlag.Loading | ((Number(data?.flags ?? 0)) & MessageFlag.Ephemeral);
          resourceMessage = createMessage({ channel, author: botUser, body: { json: { content: '' }, files: [] }, type: record.type === InteractionType.ApplicationCommand ? 20 : 0, interaction: record, flags, webhook: true });
          record.originalMessageId = resourceMessage.id;
          break;
        }
        case Callback.DeferUpdate:
          record.originalMessageId = record.sourceMessageId;
          break;
        case Callback.Update: {
          validateOrThrow(bodyData, true);
          const source = messages.get(record.sourceMessageId as string);
          if (!source || source.deleted) throw unknown('Message', 10008);
          if ((source.flags & MessageFlag.Ephemeral) === 0) guardThreadWrite(channel, 'edit', 'interaction');
          resourceMessage = editMessage(source, bodyData);
          record.originalMessageId = source.id;
          break;
        }
        case Callback.Autocomplete: {
          const choices = asObjects(data?.choices);
          if (choices.length > 25) throw invalidBody([{ path: ['data', 'choices'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }]);
          record.choices = choices.map((c) => ({ name: String(c.name), value: c.value as string | number }));
          break;
        }
        case Callback.Modal: {
          const problems = validateModal(data ?? {});
          if (problems.length > 0) throw invalidBody(problems);
          const modal: ShownModal = {
            interactionId: record.id, userId: record.userId, channelId: record.channelId, guildId: record.guildId, sourceMessageId: record.sourceMessageId,
            custom_id: String(data?.custom_id), title: String(data?.title), components: asObjects(data?.components),
          };
          record.modal = modal;
          lastModal = modal;
          break;
        }
        default:
          throw invalidBody([{ path: ['type'], code: 'BASE_TYPE_CHOICES', message: `Value must be one of (1, 4, 5, 6, 7, 8, 9, 10, 12).` }]);
      }
    } catch (error) {
      if (error instanceof HttpError) throw reject(error);
      throw error;
    }
    record.acknowledged = true;
    clearTimeout(record.timer);
    callback.status = query.get('with_response') === 'true' ? 200 : 204;
    record.resolveAck(callback);
    changed();
    if (query.get('with_response') !== 'true') return ok();
    const shown = resourceMessage ?? (record.originalMessageId ? messages.get(record.originalMessageId) : undefined);
    return ok({
      interaction: {
        id: record.id, type: record.type,
        ...(shown ? { response_message_id: shown.id, response_message_loading: (shown.flags & MessageFlag.Loading) !== 0, response_message_ephemeral: (shown.flags & MessageFlag.Ephemeral) !== 0 } : {}),
      },
      resource: { type, ...(shown && type !== Callback.DeferUpdate ? { message: apiMessage(shown) } : {}) },
    });
  }, false);

  route('GET', '/webhooks/:id/:id/messages/:id', ({ params }) => {
    const record = interactionByToken(params[0] as string, params[1] as string);
    return ok(apiMessage(targetMessage(record, params[2] as string)));
  }, false);

  route('PATCH', '/webhooks/:id/:id/messages/:id', ({ params, body }) => {
    const record = interactionByToken(params[0] as string, params[1] as string);
    if (!record.acknowledged) throw unknown('Webhook', 10015);
    const message = targetMessage(record, params[2] as string);
    if ((message.flags & MessageFlag.Ephemeral) === 0) guardThreadWrite(interactionChannel(record, message.channel_id), 'edit', 'interaction');
    validateOrThrow(body, true);
    editMessage(message, body);
    if (message.content === '' && message.embeds.length === 0 && message.components.length === 0 && message.attachments.length === 0) {
      throw invalidBody([{ path: [], code: '50006', message: 'Cannot send an empty message' }]);
    }
    return ok(apiMessage(message));
  }, false);

  route('DELETE', '/webhooks/:id/:id/messages/:id', ({ params }) => {
    const record = interactionByToken(params[0] as string, params[1] as string);
    deleteMessage(targetMessage(record, params[2] as string));
    return ok();
  }, false);

  route('POST', '/webhooks/:id/:id', ({ params, body, query }) => {
    const record = interactionByToken(params[0] as string, params[1] as string);
    if (!record.acknowledged) throw unknown('Webhook', 10015);
    validateOrThrow(body, false);
    const target = interactionChannel(record, query.get('thread_id'));
    if ((Number(body.json.flags ?? 0) & MessageFlag.Ephemeral) === 0) guardThreadWrite(target, 'create', 'interaction');
    const message = createMessage({ channel: target, author: botUser, body, interaction: record, webhook: true });
    record.followUpIds.push(message.id);
    changed();
    return query.get('wait') === 'false' ? ok() : ok(apiMessage(message));
  }, false);

  route('GET', '/gateway/bot', () => ok({ url: gatewayUrl(), shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } }));
  route('GET', '/gateway', () => ok({ url: gatewayUrl() }), false);
  route('GET', '/users/@me', () => ok({ ...apiUser(botUser), verified: true, mfa_enabled: false, locale: 'en-US', flags: 0 }));
  route('GET', '/users/:id', ({ params }) => {
    const user = users.get(params[0] as string);
    if (!user) throw unknown('User', 10013);
    return ok(apiUser(user));
  });
  route('GET', '/applications/@me', () => ok({
    id: applicationId, name: botUser.username, icon: null, description: 'A study tutor', bot_public: false, bot_require_code_grant: false,
    verify_key: '0'.repeat(64), flags: (privileged.messageContent ? 1 << 19 : 0) | (privileged.guildMembers ? 1 << 15 : 0), bot: apiUser(botUser),
    owner: apiUser([...users.values()].find((u) => u.username === 'server-owner') ?? botUser), team: null, summary: '', approximate_guild_count: guilds.size,
    redirect_uris: [], interactions_endpoint_url: null, tags: [],
  }));

  function commandListFor(guildId?: string): RegisteredCommand[] {
    if (!guildId) return commands.global;
    requireGuildHttp(guildId);
    return commands.guild.get(guildId) ?? [];
  }

  function putCommands(appId: string, guildId: string | undefined, body: ParsedBody): RouteResult {
    if (appId !== applicationId) throw unknown('Application', 10002);
    const list = Array.isArray(body.json._array) ? (body.json._array as unknown[]).filter(isObject) : [];
    const problems: FormProblem[] = [];
    list.forEach((c, i) => {
      const type = Number(c.type ?? 1);
      if (type === 1 && (typeof c.name !== 'string' || !/^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u.test(c.name))) {
        problems.push({ path: [String(i), 'name'], code: 'APPLICATION_COMMAND_INVALID_NAME', message: `Command name is invalid: "${String(c.name)}"` });
      }
      if (type === 1 && (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 100)) {
        problems.push({ path: [String(i), 'description'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
      }
      if (asArray(c.options).length > 25) problems.push({ path: [String(i), 'options'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
    });
    if (new Set(list.map((c) => `${String(c.type ?? 1)}:${String(c.name)}`)).size !== list.length) {
      problems.push({ path: [], code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: 'Application command names must be unique' });
    }
    if (problems.length > 0) throw invalidBody(problems);
    const previous = commandListFor(guildId);
    const registered = list.map((c) => {
      const kept = previous.find((p) => p.name === c.name && (p.type ?? 1) === (c.type ?? 1));
      return {
        type: 1, description: '', options: [], default_member_permissions: null, nsfw: false, contexts: null, integration_types: [0],
        ...c, id: kept?.id ?? createSnowflake(), application_id: applicationId, version: createSnowflake(), ...(guildId ? { guild_id: guildId } : {}),
      } as unknown as RegisteredCommand;
    });
    if (guildId) commands.guild.set(guildId, registered);
    else commands.global = registered;
    changed();
    return ok(registered);
  }

  function requireGuildHttp(id: string): SimGuild {
    const guild = guilds.get(id);
    if (!guild) throw unknown('Guild', 10004);
    return guild;
  }

  route('GET', '/applications/:id/commands', () => ok(commands.global));
  route('PUT', '/applications/:id/commands', ({ params, body }) => putCommands(params[0] as string, undefined, body));
  route('GET', '/applications/:id/guilds/:id/commands', ({ params }) => ok(commandListFor(params[1] as string)));
  route('PUT', '/applications/:id/guilds/:id/commands', ({ params, body }) => putCommands(params[0] as string, params[1] as string, body));

  route('GET', '/guilds/:id', ({ params }) => {
    const guild = requireGuildHttp(params[0] as string);
    const { members: _m, channels: _c, threads: _t, voice_states: _v, presences: _p, ...rest } = apiGuild(guild);
    return ok({ ...rest, approximate_member_count: guild.members.size });
  });
  route('GET', '/guilds/:id/members/([0-9]+)', ({ params }) => {
    const guild = requireGuildHttp(params[0] as string);
    const member = guild.members.get(params[1] as string);
    if (!member) throw unknown('Member', 10007);
    return ok(apiMember(member));
  });
  route('GET', '/guilds/:id/members', ({ params, query }) => {
    const guild = requireGuildHttp(params[0] as string);
    if (!(identifiedIntents & Intent.GuildMembers)) {
      throw new HttpError(403, { message: 'Missing Access', code: 50001, detail: 'listing members needs the GuildMembers intent' }, 'missing-permission');
    }
    const after = query.get('after') ?? '0';
    const limit = Math.min(Number(query.get('limit') ?? 1), 1000);
    const list = [...guild.members.values()].filter((m) => BigInt(m.user.id) > BigInt(after)).sort((a, b) => (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : 1));
    return ok(list.slice(0, limit).map((m) => apiMember(m)));
  });
  route('GET', '/guilds/:id/members/search', ({ params, query }) => {
    const guild = requireGuildHttp(params[0] as string);
    const text = (query.get('query') ?? '').toLowerCase();
    const limit = Math.min(Number(query.get('limit') ?? 1), 1000);
    const found = [...guild.members.values()].filter((m) => m.user.username.toLowerCase().startsWith(text) || (m.user.global_name ?? '').toLowerCase().startsWith(text) || (m.nick ?? '').toLowerCase().startsWith(text));
    return ok(found.slice(0, limit).map((m) => apiMember(m)));
  });
  route('GET', '/guilds/:id/roles', ({ params }) => ok([...requireGuildHttp(params[0] as string).roles.values()].map(apiRole)));
  route('GET', '/guilds/:id/channels', ({ params }) =>
    ok(requireGuildHttp(params[0] as string).channelIds.map((id) => channels.get(id)).filter((c): c is SimChannel => !!c && c.type === 0).map(apiChannel)));
  route('GET', '/guilds/:id/threads/active', ({ params }) => {
    const threads = [...channels.values()].filter((c) => c.guildId === params[0] && (c.type === 11 || c.type === 12) && !c.archived && canView(botUser.id, c));
    return ok({ threads: threads.map(apiChannel), members: threads.filter((t) => t.memberIds.has(botUser.id)).map((t) => apiThreadMember(t, botUser.id)) });
  });

  function channelHttp(id: string): SimChannel {
    const channel = channels.get(id);
    if (!channel || !canView(botUser.id, channel)) throw unknown('Channel', 10003);
    return channel;
  }

  route('GET', '/channels/:id', ({ params }) => ok(apiChannel(channelHttp(params[0] as string))));
  route('PATCH', '/channels/:id', ({ params, body }) => {
    const channel = channelHttp(params[0] as string);
    const json = body.json;
    const isThread = channel.type === 11 || channel.type === 12;
    const bits = permissionsOf(botUser.id, channel);
    const ownsThread = isThread && channel.ownerId === botUser.id;
    if (!(hasPermission(bits, isThread ? 'ManageThreads' : 'ManageChannels') || (ownsThread && !('locked' in json)))) {
      throw missingPermissions(`the bot cannot edit ${channel.name}`);
    }
    if (typeof json.name === 'string') {
      if (json.name.length < 1 || json.name.length > 100) throw invalidBody([{ path: ['name'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }]);
      channel.name = json.name;
    }
    if (typeof json.archived === 'boolean') channel.archived = json.archived;
    if (typeof json.locked === 'boolean') channel.locked = json.locked;
    if (typeof json.auto_archive_duration === 'number') channel.autoArchiveDuration = json.auto_archive_duration;
    if (typeof json.topic === 'string') channel.topic = json.topic;
    dispatch(isThread ? 'THREAD_UPDATE' : 'CHANNEL_UPDATE', apiChannel(channel), Intent.Guilds);
    changed();
    return ok(apiChannel(channel));
  });

  route('GET', '/channels/:id/messages', ({ params, query }) => {
    const channel = channelHttp(params[0] as string);
    if (!hasPermission(permissionsOf(botUser.id, channel), 'ReadMessageHistory')) return ok([]);
    let list = visibleMessages(channel.id).reverse();
    const before = query.get('before');
    const after = query.get('after');
    if (before) list = list.filter((m) => BigInt(m.id) < BigInt(before));
    if (after) list = list.filter((m) => BigInt(m.id) > BigInt(after)).reverse();
    const limit = Math.min(Number(query.get('limit') ?? 50), 100);
    return ok(list.slice(0, limit).map((m) => apiMessage(m, true)));
  });
  route('GET', '/channels/:id/messages/:id', ({ params }) => {
    channelHttp(params[0] as string);
    const message = messages.get(params[1] as string);
    if (!message || message.deleted || message.channel_id !== params[0] || (message.flags & MessageFlag.Ephemeral)) throw unknown('Message', 10008);
    return ok(apiMessage(message, true));
  });
  // --- h12-class-discord ---
  // Direct messages: a DM channel per user (type 1), created by POST /users/@me/channels as discord.js's
  // `users.send` does; the bot's messages there are kept per user, never dispatched back.
  const dmRecipients = new Map<string, string>();
  const dmChannelOf = new Map<string, string>();
  const dmMessages = new Map<string, StoredMessage[]>();
  const closedDms = new Set<string>();
  route('POST', '/users/@me/channels', ({ body }) => {
    const recipientId = String(body.json.recipient_id ?? '');
    const user = users.get(recipientId);
    if (!user) throw unknown('User', 10013);
    let channelId = dmChannelOf.get(recipientId);
    if (!channelId) {
      channelId = createSnowflake();
      dmChannelOf.set(recipientId, channelId);
      dmRecipients.set(channelId, recipientId);
    }
    return ok({ id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [apiUser(user)] });
  });
  function createDirectMessage(channelId: string, recipientId: string, body: ParsedBody): StoredMessage {
    validateOrThrow(body, false);
    if (closedDms.has(recipientId)) throw new HttpError(403, { message: 'Cannot send messages to this user', code: 50007 });
    const content = typeof body.json.content === 'string' ? body.json.content : '';
    const allowed = isObject(body.json.allowed_mentions) ? body.json.allowed_mentions : undefined;
    const message: StoredMessage = {
      id: createSnowflake(), channel_id: channelId, guild_id: undefined, author: botUser, type: 0, content,
      embeds: asObjects(body.json.embeds), components: asObjects(body.json.components), attachments: [], flags: 0, timestamp: nowIso(),
      edited_timestamp: null, allowed_mentions: allowed, pings: computePings(content, allowed, undefined), message_reference: undefined,
      webhook_id: undefined, application_id: undefined, interaction_metadata: undefined, interactionId: undefined, deleted: false, editCount: 0,
    };
    messages.set(message.id, message);
    dmMessages.set(recipientId, [...(dmMessages.get(recipientId) ?? []), message]);
    changed();
    return message;
  }

  route('POST', '/channels/:id/messages', ({ params, body }) => {
    const dm = dmRecipients.get(params[0] as string);
    if (dm) return ok(apiMessage(createDirectMessage(params[0] as string, dm, body), true));
    const channel = channelHttp(params[0] as string);
    requireBotCanSend(channel, body);
    validateOrThrow(body, false);
    if (Number(body.json.flags ?? 0) & MessageFlag.Ephemeral) throw invalidBody([{ path: ['flags'], code: 'MESSAGE_FLAGS_INVALID', message: 'Channel messages cannot be ephemeral' }]);
    return ok(apiMessage(createMessage({ channel, author: botUser, body }), true));
  });
  route('PATCH', '/channels/:id/messages/:id', ({ params, body }) => {
    channelHttp(params[0] as string);
    const message = messages.get(params[1] as string);
    if (!message || message.deleted || message.channel_id !== params[0] || (message.flags & MessageFlag.Ephemeral)) throw unknown('Message', 10008);
    if (message.author.id !== botUser.id) throw new HttpError(403, { message: 'Cannot edit a message authored by another user', code: 50005 }, 'missing-permission');
    guardThreadWrite(requireChannel(message.channel_id), 'edit', 'bot');
    validateOrThrow(body, true);
    return ok(apiMessage(editMessage(message, body), true));
  });
  route('DELETE', '/channels/:id/messages/:id', ({ params }) => {
    const channel = channelHttp(params[0] as string);
    const message = messages.get(params[1] as string);
    if (!message || message.deleted || message.channel_id !== channel.id) throw unknown('Message', 10008);
    if (message.author.id !== botUser.id && !hasPermission(permissionsOf(botUser.id, channel), 'ManageMessages')) throw missingPermissions('the bot cannot delete others\' messages');
    deleteMessage(message);
    return ok();
  });
  route('POST', '/channels/:id/typing', ({ params }) => {
    channelHttp(params[0] as string);
    return ok();
  });

  function createThread(parent: SimChannel, json: Json, starter?: StoredMessage): SimChannel {
    if (parent.type !== 0) throw new HttpError(400, { message: 'Cannot execute action on this channel type', code: 50024 });
    const type = starter ? 11 : Number(json.type ?? 12);
    const bits = permissionsOf(botUser.id, parent);
    const needed: PermissionName = type === 12 ? 'CreatePrivateThreads' : 'CreatePublicThreads';
    if (!hasPermission(bits, needed)) throw missingPermissions(`the bot lacks ${needed} in #${parent.name}`);
    const name = typeof json.name === 'string' ? json.name : '';
    if (name.length < 1 || [...name].length > 100) throw invalidBody([{ path: ['name'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }]);
    if (type !== 11 && type !== 12) throw invalidBody([{ path: ['type'], code: 'BASE_TYPE_CHOICES', message: 'Value must be one of (10, 11, 12).' }]);
    const autoArchive = Number(json.auto_archive_duration ?? 4320);
    if (![60, 1440, 4320, 10080].includes(autoArchive)) throw invalidBody([{ path: ['auto_archive_duration'], code: 'BASE_TYPE_CHOICES', message: 'Value must be one of (60, 1440, 4320, 10080).' }]);
    const thread: SimChannel = {
      id: starter?.id ?? createSnowflake(), type, guildId: parent.guildId, name, parentId: parent.id, position: 0, topic: null, overwrites: [],
      ownerId: botUser.id, lastMessageId: null, messageCount: 0, memberIds: new Set([botUser.id]), archived: false, locked: false,
      invitable: json.invitable !== false, autoArchiveDuration: autoArchive, createdAt: nowIso(), starterMessageId: starter?.id ?? null,
    };
    channels.set(thread.id, thread);
    requireGuild(parent.guildId).channelIds.push(thread.id);
    if (starter) threadByStarter.set(starter.id, thread.id);
    dispatch('THREAD_CREATE', { ...apiChannel(thread), newly_created: true, member: apiThreadMember(thread, botUser.id) }, Intent.Guilds);
    changed();
    return thread;
  }

  route('POST', '/channels/:id/threads', ({ params, body }) => {
    const parent = channelHttp(params[0] as string);
    return ok(apiChannel(createThread(parent, body.json)));
  });
  route('POST', '/channels/:id/messages/:id/threads', ({ params, body }) => {
    const parent = channelHttp(params[0] as string);
    const starter = messages.get(params[1] as string);
    if (!starter || starter.deleted || starter.channel_id !== parent.id) throw unknown('Message', 10008);
    if (threadByStarter.has(starter.id)) throw new HttpError(400, { message: 'A thread has already been created for this message', code: 160004 });
    return ok(apiChannel(createThread(parent, { ...body.json, type: 11 }, starter)));
  });

  function joinThread(thread: SimChannel, userId: string): void {
    if (thread.type !== 11 && thread.type !== 12) throw new HttpError(400, { message: 'Cannot execute action on this channel type', code: 50024 });
    if (thread.archived) throw new HttpError(400, { message: 'Thread is archived', code: 50083 });
    if (!users.has(userId)) throw unknown('User', 10013);
    thread.memberIds.add(userId);
    if (userId === botUser.id) dispatch('THREAD_MEMBER_UPDATE', { ...apiThreadMember(thread, userId), guild_id: thread.guildId }, Intent.Guilds);
    dispatch('THREAD_MEMBERS_UPDATE', { id: thread.id, guild_id: thread.guildId, member_count: thread.memberIds.size, added_members: [apiThreadMember(thread, userId)] }, Intent.GuildMembers);
    changed();
  }

  route('PUT', '/channels/:id/thread-members/@me', ({ params }) => {
    joinThread(channelHttp(params[0] as string), botUser.id);
    return ok();
  });
  route('PUT', '/channels/:id/thread-members/:id', ({ params }) => {
    const thread = channelHttp(params[0] as string);
    if (thread.type === 12 && !thread.memberIds.has(botUser.id) && !hasPermission(permissionsOf(botUser.id, thread), 'ManageThreads')) {
      throw missingPermissions('the bot cannot add members to a private thread it is not in');
    }
    if (!hasPermission(permissionsOf(botUser.id, thread), 'SendMessagesInThreads')) throw missingPermissions('the bot lacks SendMessagesInThreads');
    joinThread(thread, params[1] as string);
    return ok();
  });
  route('GET', '/channels/:id/thread-members/:id', ({ params }) => {
    const thread = channelHttp(params[0] as string);
    if (!thread.memberIds.has(params[1] as string)) throw unknown('Member', 10007);
    return ok(apiThreadMember(thread, params[1] as string));
  });
  route('DELETE', '/channels/:id/thread-members/@me', ({ params }) => {
    const thread = channelHttp(params[0] as string);
    thread.memberIds.delete(botUser.id);
    changed();
    return ok();
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const reply = (status: number, body?: unknown) => {
      if (body === undefined) {
        res.writeHead(status).end();
      } else {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }
    };
    const attachmentMatch = /^\/attachments\/(\d+)\/(\d+)\/[^/]+$/.exec(url.pathname);
    if (method === 'GET' && attachmentMatch) {
      const attachment = uploads.get(attachmentMatch[2] as string) ?? [...messages.values()].flatMap((m) => m.attachments).find((a) => a.id === attachmentMatch[2]);
      if (!attachment) return reply(404, { message: '404: Not Found', code: 0 });
      res.writeHead(200, { 'content-type': attachment.content_type ?? 'application/octet-stream' }).end(attachment.data);
      return;
    }
    const prefix = '/api/v10';
    const rawPath = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : undefined;
    const path = rawPath === undefined ? url.pathname : rawPath.split('/').map((s) => decodeURIComponent(s)).join('/');
    const record: RequestRecord = { method, path, query: Object.fromEntries(url.searchParams), body: undefined, fileNames: [], status: 0, at: Date.now() };
    requests.push(record);
    let body: ParsedBody = { json: {}, files: [] };
    try {
      body = await readBody(req);
      record.body = '_array' in body.json ? body.json._array : body.json;
      record.fileNames = body.files.map((f) => f.filename);
    } catch (error) {
      record.status = 400;
      fail('invalid-body', `${method} ${path}: unreadable body (${(error as Error).message})`);
      return reply(400, { message: 'The request body contains invalid JSON.', code: 50109 });
    }
    let found: { r: Route; m: RegExpExecArray } | undefined;
    for (const r of rawPath === undefined ? [] : routes) {
      const m = r.method === method ? r.pattern.exec(path) : null;
      if (m) {
        found = { r, m };
        break;
      }
    }
    if (!found || !found.m) {
      record.status = 404;
      fail('unknown-route', `${method} ${url.pathname}${url.search} is not simulated (add it to test/support/discord-simulator)`);
      return reply(404, { message: '404: Not Found', code: 0 });
    }
    for (const hook of hooks) {
      if (hook.remaining > 0 && (!hook.method || hook.method.toUpperCase() === method) && (typeof hook.path === 'string' ? path.includes(hook.path) : hook.path.test(path))) {
        hook.remaining -= 1;
        hook.run();
      }
    }
    const fault = faults.find((f) => f.remaining > 0 && (!f.method || f.method.toUpperCase() === method) && (typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path)));
    if (fault) {
      fault.remaining -= 1;
      record.status = fault.status;
      if (fault.status === 429) {
        const retryAfter = fault.retryAfterSeconds ?? 0.05;
        const scope = fault.scope ?? 'user';
        const headers: Record<string, string> = { 'content-type': 'application/json', 'retry-after': String(retryAfter), 'x-ratelimit-scope': scope };
        if (scope === 'global') headers['x-ratelimit-global'] = 'true';
        res.writeHead(429, headers).end(JSON.stringify(fault.body ?? { message: 'You are being rate limited.', retry_after: retryAfter, global: scope === 'global' }));
        return;
      }
      return reply(fault.status, fault.body ?? { message: `${fault.status}: injected by the test`, code: 0 });
    }
    if (found.r.auth && req.headers.authorization !== `Bot ${token}`) {
      record.status = 401;
      fail('unauthorized', `${method} ${path} without the bot token`);
      return reply(401, { message: '401: Unauthorized', code: 0 });
    }
    try {
      const result = await found.r.handler({ params: found.m.slice(1), body, query: url.searchParams });
      record.status = result.status;
      if (options.verbose) console.log(`[discord-simulator] ${method} ${path} → ${result.status}`);
      reply(result.status, result.body);
    } catch (error) {
      if (error instanceof HttpError) {
        record.status = error.status;
        if (error.failure && error.failure !== 'not-found') fail(error.failure, `${method} ${path}: ${String(error.body.message)}${error.body.detail ? ` (${String(error.body.detail)})` : ''}`);
        const { detail: _detail, ...publicBody } = error.body;
        reply(error.status, publicBody);
        return;
      }
      record.status = 500;
      console.error(`[discord-simulator] ${method} ${path} crashed the simulator:`, error);
      reply(500, { message: '500: Internal Server Error', code: 0 });
    }
  }

  function visibleMessages(channelId: string): StoredMessage[] {
    return (channelMessages.get(channelId) ?? []).map((id) => messages.get(id)).filter((m): m is StoredMessage => !!m && !m.deleted);
  }

  // ---- server ---------------------------------------------------------------------------------------

  const server: Server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      console.error('[discord-simulator] request failed', error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const wss = new WebSocketServer({ server });
  /** Which session a socket speaks for: a RESUME hands the new socket the dropped session. */
  const socketSessions = new WeakMap<WebSocket, GatewaySession>();

  wss.on('connection', (socket) => {
    const session: GatewaySession = { socket, sequence: 0, identified: false, intents: 0, sessionId: createSnowflake(), log: [], invalidated: false };
    sessions.add(session);
    socketSessions.set(socket, session);
    socket.on('message', (data) => handleGatewayMessage(socketSessions.get(socket) ?? session, data.toString()));
    socket.on('close', (code) => {
      const owner = socketSessions.get(socket) ?? session;
      if (owner.socket !== socket) return;
      // A client that closes with 1000/1001 (client.destroy()) ends its session; any other close
      // (a drop, 4200 "resuming") keeps it for RESUME, like Discord.
      if (!owner.identified || code === 1000 || code === 1001) sessions.delete(owner);
      changed();
    });
    socket.on('error', () => {
      const owner = socketSessions.get(socket) ?? session;
      if (owner.socket === socket && !owner.identified) sessions.delete(owner);
    });
    send(session, { op: 10, d: { heartbeat_interval: 41_250 } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  const gatewayUrl = () => `ws://127.0.0.1:${port}`;

  function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = 'a condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        const value = probe();
        if (value) {
          cleanup();
          resolve(value);
          return true;
        }
        return false;
      };
      const onChange = () => void check();
      // Also poll: probes may watch the bot's side (events it received), which the simulator never sees change.
      const poll = setInterval(onChange, 10);
      const timer = setTimeout(() => {
        cleanup();
        const recent = requests.slice(-8).map((r) => `${r.method} ${r.path} → ${r.status}`).join('\n  ');
        const problems = failures.slice(-5).map((f) => `${f.kind}: ${f.detail}`).join('\n  ');
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.\nRecent REST calls:\n  ${recent || '(none)'}\nSimulator failures:\n  ${problems || '(none)'}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        events.off('change', onChange);
      };
      events.on('change', onChange);
      check();
    });
  }

  const sim: DiscordSimulator = {
    apiUrl: `${baseUrl}/api`,
    gatewayUrl: gatewayUrl(),
    token,
    botUser,
    botUserId: botUser.id,
    applicationId,
    guildId: firstGuildId,
    guilds,
    requests,
    failures,
    commands,
    get lastModal() {
      return lastModal;
    },
    get identifiedIntents() {
      return identifiedIntents;
    },

    waitForReady: (timeoutMs = 10_000) => waitFor(() => [...sessions].some(isLive), timeoutMs, 'the bot to IDENTIFY on the gateway').then(() => undefined),
    channelId(name, guildId = firstGuildId) {
      const guild = requireGuild(guildId);
      const id = guild.channelIds.find((c) => channels.get(c)?.name === name);
      if (!id) throw new Error(`No channel #${name} in ${guild.name}`);
      return id;
    },
    channel: (id) => channels.get(id),
    threads: (parentId) => [...channels.values()].filter((c) => (c.type === 11 || c.type === 12) && (parentId === undefined || c.parentId === parentId)),
    createUser,
    createRole,
    createChannel,
    setBotPermissions(channelId, change) {
      const channel = requireChannel(channelId);
      let overwrite = channel.overwrites.find((o) => o.type === 1 && o.id === botUser.id);
      if (!overwrite) {
        overwrite = { id: botUser.id, type: 1, allow: 0n, deny: 0n };
        channel.overwrites.push(overwrite);
      }
      const allow = toPermissionBits(change.allow);
      const deny = toPermissionBits(change.deny);
      overwrite.allow = (overwrite.allow & ~deny) | allow;
      overwrite.deny = (overwrite.deny & ~allow) | deny;
      dispatch('CHANNEL_UPDATE', apiChannel(channel), Intent.Guilds);
      changed();
    },
    botPermissionsIn: (channelId) => permissionsOf(botUser.id, requireChannel(channelId)),

    slashCommand(input) {
      const channelId = input.channelId ?? defaultChannelId(input.guildId);
      const guildId = requireChannel(channelId).guildId;
      return createInteraction({ type: InteractionType.ApplicationCommand, user: input.user, channelId, data: buildCommandData(input, guildId), locale: input.locale });
    },
    autocomplete(input) {
      const channelId = input.channelId ?? defaultChannelId(input.guildId);
      const guildId = requireChannel(channelId).guildId;
      const options = Array.isArray(input.options) ? input.options : { [input.focused]: '', ...(input.options ?? {}) };
      return createInteraction({ type: InteractionType.Autocomplete, user: input.user, channelId, data: buildCommandData({ ...input, options }, guildId, input.focused), locale: input.locale });
    },
    clickButton(input) {
      const message = resolveMessage(input.message);
      const button = findComponent(message, input.customId);
      if (!button || button.type !== 2) throw new Error(`Message ${message.id} has no button "${input.customId}" (it has: ${listComponentIds(message)})`);
      if (button.disabled === true) throw new Error(`Button "${input.customId}" is disabled: a user cannot click it`);
      if ((message.flags & MessageFlag.Ephemeral) && message.interactionId && interactions.get(message.interactionId)?.userId !== input.user.id) {
        throw new Error('Only the user who received an ephemeral message can click its buttons');
      }
      return createInteraction({ type: InteractionType.MessageComponent, user: input.user, channelId: message.channel_id, data: { custom_id: input.customId, component_type: 2 }, message, locale: input.locale });
    },
    selectMenu(input) {
      const message = resolveMessage(input.message);
      const menu = findComponent(message, input.customId);
      if (!menu || typeof menu.type !== 'number' || menu.type < 3 || menu.type > 8) throw new Error(`Message ${message.id} has no select menu "${input.customId}" (it has: ${listComponentIds(message)})`);
      if (menu.disabled === true) throw new Error(`Select menu "${input.customId}" is disabled`);
      const min = typeof menu.min_values === 'number' ? menu.min_values : 1;
      const max = typeof menu.max_values === 'number' ? menu.max_values : 1;
      if (input.values.length < min || input.values.length > max) throw new Error(`Select menu "${input.customId}" takes ${min}–${max} values, got ${input.values.length}`);
      if (menu.type === 3) {
        const offered = asObjects(menu.options).map((o) => String(o.value));
        const bad = input.values.filter((v) => !offered.includes(v));
        if (bad.length > 0) throw new Error(`Select menu "${input.customId}" does not offer ${bad.join(', ')} (offers ${offered.join(', ')})`);
      }
      return createInteraction({ type: InteractionType.MessageComponent, user: input.user, channelId: message.channel_id, data: { custom_id: input.customId, component_type: menu.type, values: input.values }, message, locale: input.locale });
    },
    submitModal(input) {
      const modal = input.modal ?? lastModalFor(input.user.id) ?? lastModal;
      if (!modal) throw new Error('No modal has been shown: the bot must answer an interaction with callback type 9 first');
      const components: Json[] = [];
      const seen = new Set<string>();
      for (const top of modal.components) {
        const wrapped: Array<{ input: Json; wrap: (c: Json) => Json }> = [];
        if (top.type === 18 && isObject(top.component)) wrapped.push({ input: top.component, wrap: (c) => ({ type: 18, id: top.id ?? 0, component: c }) });
        if (top.type === 1) for (const c of asObjects(top.components)) wrapped.push({ input: c, wrap: (inner) => ({ type: 1, id: top.id ?? 0, components: [inner] }) });
        if (top.type === 10) components.push({ type: 10, id: top.id ?? 0 });
        for (const { input: field, wrap } of wrapped) {
          const customId = String(field.custom_id);
          seen.add(customId);
          const given = input.fields[customId];
          if (field.type === 4) {
            const value = typeof given === 'string' ? given : given === undefined ? '' : given.join(' ');
            const requiredField = field.required !== false;
            if (requiredField && value.length === 0) throw new Error(`Modal field "${customId}" is required: Discord would not let the user submit`);
            if (typeof field.max_length === 'number' && [...value].length > field.max_length) throw new Error(`Modal field "${customId}" allows at most ${field.max_length} characters`);
            if (typeof field.min_length === 'number' && value.length > 0 && [...value].length < field.min_length) throw new Error(`Modal field "${customId}" needs at least ${field.min_length} characters`);
            components.push(wrap({ type: 4, id: field.id ?? 0, custom_id: customId, value }));
          } else {
            const values = given === undefined ? [] : Array.isArray(given) ? given : [given];
            components.push(wrap({ type: field.type, id: field.id ?? 0, custom_id: customId, values }));
          }
        }
      }
      const unknownFields = Object.keys(input.fields).filter((k) => !seen.has(k));
      if (unknownFields.length > 0) throw new Error(`The modal "${modal.custom_id}" has no field(s) ${unknownFields.join(', ')} (it has ${[...seen].join(', ')})`);
      const message = modal.sourceMessageId ? messages.get(modal.sourceMessageId) : undefined;
      return createInteraction({ type: InteractionType.ModalSubmit, user: input.user, channelId: modal.channelId, data: { custom_id: modal.custom_id, components }, message, locale: input.locale });
    },
    postMessage(input) {
      const channel = requireChannel(input.channelId);
      const guild = requireGuild(channel.guildId);
      if (!guild.members.has(input.user.id)) throw new Error(`${input.user.username} is not a member of ${guild.name}`);
      if (!canView(input.user.id, channel)) throw new Error(`${input.user.username} cannot see #${channel.name}`);
      const bits = permissionsOf(input.user.id, channel);
      if (!hasPermission(bits, channel.type === 0 ? 'SendMessages' : 'SendMessagesInThreads')) throw new Error(`${input.user.username} may not send messages in #${channel.name}`);
      if (channel.locked) throw new Error(`Thread ${channel.name} is locked`);
      if (channel.type !== 0) channel.memberIds.add(input.user.id);
      const files = (input.attachments ?? []).map((a, index) => ({ index, filename: a.filename, contentType: a.contentType, data: a.data }));
      return createMessage({
        channel, author: input.user,
        body: { json: { content: input.content, ...(input.replyTo ? { message_reference: { message_id: input.replyTo } } : {}) }, files },
      });
    },

    seedBotMessage(input) {
      const channel = requireChannel(input.channelId);
      const json: Json = { content: input.content ?? '', embeds: input.embeds ?? [], components: input.components ?? [], flags: input.flags ?? 0 };
      const problems = validateMessageBody(json, { isEdit: false, fileCount: 0 });
      if (problems.length > 0) throw new Error(`seedBotMessage: ${describeProblems(problems)}`);
      return createMessage({ channel, author: botUser, body: { json, files: [] }, silent: true });
    },
    messages: (channelId) => visibleMessages(channelId),
    message: (id) => messages.get(id),
    // --- h12-class-discord ---
    directMessages: (userId) => [...(dmMessages.get(userId) ?? [])],
    closeDirectMessages: (userId) => void closedDms.add(userId),
    waitForMessage: (channelId, predicate = () => true, timeoutMs = 5000) =>
      waitFor(() => visibleMessages(channelId).find((m) => (m.flags & MessageFlag.Loading) === 0 && predicate(m)), timeoutMs, `a message in channel ${channels.get(channelId)?.name ?? channelId}`),
    waitFor,
    injectFault(fault) {
      faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    beforeRequest(hook) {
      hooks.push({ ...hook, remaining: hook.times ?? 1 });
    },
    deleteMessage(id) {
      const message = messages.get(id);
      if (!message || message.deleted) throw new Error(`Message ${id} does not exist (deleted already?)`);
      deleteMessage(message);
    },
    deleteChannel(id) {
      const channel = requireChannel(id);
      channels.delete(id);
      const guild = requireGuild(channel.guildId);
      guild.channelIds = guild.channelIds.filter((c) => c !== id);
      for (const messageId of channelMessages.get(id) ?? []) {
        const message = messages.get(messageId);
        if (message) message.deleted = true;
      }
      const isThread = channel.type === 11 || channel.type === 12;
      dispatch(isThread ? 'THREAD_DELETE' : 'CHANNEL_DELETE', isThread ? { id, guild_id: channel.guildId, parent_id: channel.parentId, type: channel.type } : apiChannel(channel), Intent.Guilds);
      changed();
    },
    updateThread(id, change) {
      const channel = requireChannel(id);
      if (channel.type !== 11 && channel.type !== 12) throw new Error(`Channel ${channel.name} is not a thread`);
      if (change.archived !== undefined) channel.archived = change.archived;
      if (change.locked !== undefined) channel.locked = change.locked;
      dispatch('THREAD_UPDATE', apiChannel(channel), Intent.Guilds);
      changed();
    },
    dropGateway(dropOptions = {}) {
      for (const session of sessions) {
        if (!isLive(session)) continue;
        session.invalidated = dropOptions.invalidateSession ?? false;
        gatewayEvents.push({ kind: 'drop', sessionId: session.sessionId, at: Date.now() });
        session.socket.close(dropOptions.code ?? 4000, 'Dropped by the test');
      }
      changed();
    },
    gatewayEvents,
    async close() {
      if (closed) return;
      closed = true;
      for (const record of interactions.values()) clearTimeout(record.timer);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      events.removeAllListeners();
    },
  };

  function lastModalFor(userId: string): ShownModal | undefined {
    return [...interactions.values()].reverse().find((r) => r.modal && r.userId === userId)?.modal;
  }

  return sim;
}
