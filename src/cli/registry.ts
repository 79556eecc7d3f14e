import type { CliCommand } from './types.ts';

/** One option as `tutor <command> --help` prints it. A flag written with a value (`--bank <id>`) takes one. */
export interface CliOptionHelp {
  flag: string;
  description: string;
}

/**
 * A sub-command's words, its help, and how to load it: a run loads only its own module, so start-up
 * stays quick. The help lives here, beside the words, so `--help` is answered the same way for every
 * command and a command's body never has to parse `--help` itself.
 */
export interface CliCommandEntry {
  path: readonly string[];
  /** Every option the command's usage line names; a test checks none is left undescribed. */
  options: readonly CliOptionHelp[];
  /** Extra lines after the options: what a positional argument means, an example. */
  notes?: readonly string[];
  load(): Promise<CliCommand>;
}

/** Words that only group sub-commands (`tutor bank` lists its sub-commands), with a one-line description. */
export const cliGroups: Readonly<Record<string, string>> = {
  bank: 'Check, show and import question banks',
  db: 'Back up the database, or delete what it holds about one user',
  report: "The teacher's views: how the class is doing, and which questions to check",
  eval: "Measure the tutor's grading against human scores on a public dataset",
  // --- h12-queue-appeals ---
  queue: 'The review queue: answers awaiting a teacher (appeals, flagged, needs-review, provisional)',
};

const json = { flag: '--json', description: 'Print the result as JSON instead of text' };

/** Every `tutor` sub-command, listed explicitly (no folder scanning): adding one touches this list. */
export const cliCommands: CliCommandEntry[] = [
  {
    path: ['practice'],
    options: [
      { flag: '--bank <id>', description: 'Practise from this bank (default: the first bank in BANKS_DIR)' },
      { flag: '--type <type>', description: 'Only questions of this type: choice, multi, truefalse, numeric, blank, short, essay' },
      { flag: '--topic <topic>', description: 'Only questions with this topic' },
      { flag: '--count <n>', description: 'How many questions (default: DEFAULT_QUIZ_COUNT)' },
      { flag: '--user <name>', description: 'Store the answers as local:<name> (see `tutor stats --user <name>`)' },
      { flag: '--review', description: 'Serve the reviews that are due, then questions missed recently' },
      { flag: '--seed <n>', description: 'The same questions in the same order for the same number' },
      { flag: '--lang en|zh', description: "The interface language (default: LC_ALL/LANG, else the bank's language)" },
    ],
    notes: [
      'Answers can be piped in, one per line: printf "A\\n" | tutor practice --count 1',
      'A short answer or essay may take several paragraphs: end it with a line holding only . (or Ctrl-D).',
    ],
    load: async () => (await import('./practice.ts')).practiceCommand,
  },
  {
    path: ['doctor'],
    options: [json],
    notes: ['Exits 1 when a check fails, so a deploy script can stop on it.'],
    load: async () => (await import('./doctor.ts')).doctorCommand,
  },
  {
    path: ['bank', 'check'],
    options: [],
    notes: ['files…: bank JSON files to check; without any, every bank in BANKS_DIR (default data/banks).'],
    load: async () => (await import('./bank-check.ts')).bankCheckCommand,
  },
  {
    path: ['bank', 'show'],
    options: [{ flag: '--json', description: 'Print the whole bank as JSON' }],
    load: async () => (await import('./bank-show.ts')).bankShowCommand,
  },
  {
    path: ['bank', 'import'],
    options: [
      { flag: '--format <format>', description: 'The file format (default auto: detected from the name and content, and the reason printed)' },
      { flag: '--id <bank-id>', description: "The new bank's id (default: the file name)" },
      { flag: '--out <file>', description: 'Where to write the bank (default: BANKS_DIR/<bank-id>.json)' },
      { flag: '--force', description: 'Replace an existing bank file (without it nothing is ever overwritten)' },
      { flag: '--json', description: 'Print the import report as JSON' },
    ],
    notes: ['Questions without an answer are written as drafts, which are never served until completed.'],
    load: async () => (await import('./bank-import.ts')).bankImportCommand,
  },
  {
    path: ['grade'],
    options: [
      { flag: '--bank <bank-id>', description: 'The bank of the question' },
      { flag: '--question <question-id>', description: 'The question to grade (see `tutor bank show <bank-id>`)' },
      { flag: '--answer <text>', description: 'The answer; repeat it once per blank of a fill-in-the-blank question' },
      { flag: '--locale <tag>', description: 'The language of the feedback (default: the bank\'s language)' },
      json,
    ],
    load: async () => (await import('./grade.ts')).gradeCommand,
  },
  {
    path: ['stats'],
    options: [
      { flag: '--user <id>', description: 'The learner: a Discord user id, or the name given to `practice --user`' },
      { flag: '--guild <id>', description: 'Only this Discord server' },
      { flag: '--bank <id>', description: 'Only this bank' },
      json,
    ],
    load: async () => (await import('./stats.ts')).statsCommand,
  },
  {
    path: ['db', 'backup'],
    options: [],
    notes: ['file: where to write the copy (it must not exist yet).'],
    load: async () => (await import('./db.ts')).dbBackupCommand,
  },
  {
    path: ['db', 'forget'],
    options: [{ flag: '--user <id>', description: 'The user whose attempts, sessions and reviews are deleted' }],
    load: async () => (await import('./db.ts')).dbForgetCommand,
  },
  {
    path: ['deploy-commands'],
    options: [{ flag: '--guild <id>', description: 'Register in this server only (shows at once; for testing)' }],
    load: async () => (await import('./deploy-commands.ts')).deployCommandsCommand,
  },
  {
    path: ['eval', 'grading'],
    options: [
      { flag: '--folds K', description: 'Question-level cross-validation in K folds, with pooled and within-question Pearson next to an overlap baseline' },
      { flag: '--limit N', description: 'Grade only the first N answers' },
      { flag: '--fallback', description: 'Use the fallback grader (no LLM) even when an LLM is configured' },
      json,
    ],
    notes: ['dataset-path: a Mohler CSV, SemEval-2013 Task 7 XML or similar folder or file of human-scored answers.'],
    load: async () => (await import('./eval.ts')).evalGradingCommand,
  },
  {
    path: ['usage'],
    options: [
      { flag: '--by user|guild|day', description: 'How to total the calls (default: day)' },
      { flag: '--since YYYY-MM-DD', description: 'Only calls from this UTC day on' },
      json,
    ],
    load: async () => (await import('./usage.ts')).usageCommand,
  },
  {
    path: ['report', 'class'],
    options: [
      { flag: '--bank <id>', description: 'Only this bank' },
      { flag: '--guild <id>', description: 'Only this Discord server' },
      { flag: '--since YYYY-MM-DD', description: 'Only answers from the start of this day in TIME_ZONE (the 30-day chart always shows the last 30 days)' },
      json,
    ],
    load: async () => (await import('./report.ts')).reportClassCommand,
  },
  {
    path: ['report', 'items'],
    options: [
      { flag: '--bank <id>', description: 'The bank whose questions to analyse' },
      { flag: '--guild <id>', description: 'Only answers given in this Discord server' },
      json,
    ],
    notes: ['Statistics use each learner\'s first attempt; "check the key" means facility below 0.2 or discrimination below 10 (5 learners or more).'],
    load: async () => (await import('./report.ts')).reportItemsCommand,
  },
  {
    path: ['export'],
    options: [
      { flag: '--bank <id>', description: 'Only this bank' },
      { flag: '--guild <id>', description: 'Only this Discord server' },
      { flag: '--since YYYY-MM-DD', description: 'Only answers from the start of this day in TIME_ZONE' },
      { flag: '--out <file>', description: 'Write the CSV to this new file (default: standard output)' },
    ],
    load: async () => (await import('./report.ts')).exportCommand,
  },
  {
    path: ['regrade'],
    options: [
      { flag: '--pending', description: 'Re-grade the provisional scores with the LLM' },
      { flag: '--limit N', description: 'At most N answers per run (default: 100)' },
      json,
      // --- h12-keyfix ---
      { flag: '--bank <bank-id>', description: "With --question: re-grade every stored answer to that question with the bank file's current key" },
      { flag: '--question <question-id>', description: 'The question to re-grade (objective types only; teachers\' grades are never changed)' },
      { flag: '--dry-run', description: 'Show which answers would change and by how many points; store nothing' },
    ],
    notes: ['The key-fix regrade keeps each old score in the attempt\'s history, updates statistics, reviews and the leaderboard, and queues one notice per learner for the bot to deliver.'],
    load: async () => (await import('./regrade.ts')).regradeCommand,
  },
  // --- h12-keyfix ---
  {
    path: ['bank', 'accept'],
    options: [
      { flag: '--bank <bank-id>', description: 'The bank of the question' },
      { flag: '--question <question-id>', description: 'The question whose key takes the answer (blank, choice or numeric)' },
      { flag: '--blank N', description: 'The blank (1, 2, …) of a fill-in-the-blank question with several blanks' },
      { flag: '--answer <text>', description: 'The answer to accept, as a learner typed it (an option key for choice, a number for numeric)' },
      { flag: '--fraction F', description: 'The share of the points it earns, above 0 and at most 1 (default: 1)' },
      json,
    ],
    notes: ['The bank file is replaced atomically after a backup (<file>.<date>.bak), checked, and the change recorded; then run `tutor regrade --bank … --question … --dry-run`.'],
    load: async () => (await import('./bank-accept.ts')).bankAcceptCommand,
  },
  // --- h12-queue-appeals ---
  {
    path: ['queue', 'list'],
    options: [
      { flag: '--guild <id>', description: 'Only answers given in this Discord server' },
      { flag: '--bank <id>', description: 'Only answers to this bank' },
      { flag: '--provisional', description: 'Also list provisional (fallback) scores, which `tutor regrade --pending` usually settles' },
      { flag: '--limit N', description: 'At most N answers, oldest first (default 50, at most 500)' },
      json,
    ],
    load: async () => (await import('./queue.ts')).queueListCommand,
  },
  {
    path: ['queue', 'show'],
    options: [json],
    notes: ['id: the answer\'s number, as `tutor queue list` shows it (#12 → 12).'],
    load: async () => (await import('./queue.ts')).queueShowCommand,
  },
  {
    path: ['queue', 'resolve'],
    options: [
      { flag: '--accept', description: 'Confirm the score shown (an appeal: the grade is upheld)' },
      { flag: '--scores <list>', description: 'One score per marking point, e.g. 2,1.5,0; each is clamped to its point\'s marks' },
      { flag: '--reject', description: 'An appeal: rejected, the grade stands; any other answer: it earns nothing. Needs --note' },
      { flag: '--note <text>', description: 'A note to the learner (at most 1,000 characters)' },
      { flag: '--by <name>', description: 'Who resolves it, recorded as cli:<name> (default: $USER)' },
      json,
    ],
    notes: ['The grade is stored as the teacher\'s (no regrade overwrites it), the old one kept in the history, and the learner told.'],
    load: async () => (await import('./queue.ts')).queueResolveCommand,
  },
  // --- h13-exam-core ---
  {
    path: ['exam'],
    options: [
      { flag: '--bank <id>', description: 'Sit a paper of this bank (default: the first bank in BANKS_DIR)' },
      { flag: '--paper <id>', description: "The bank's paper (default: its first; a bank without papers uses its sections)" },
      { flag: '--minutes <n>', description: "The time limit, 1 to 600 (default: the paper's; required for a bank without papers)" },
      { flag: '--user <name>', description: 'Store the exam as local:<name> (see `tutor stats --user <name>`)' },
      { flag: '--lang en|zh', description: "The interface language (default: LC_ALL/LANG, else the bank's language)" },
    ],
    notes: [
      'Commands during the exam: n, p, g 7, f (flag), l (list), t (time left), submit, q (leave; the clock keeps running).',
      'Any other line answers the question shown; a written answer ends with a line holding only . (or Ctrl-D).',
      'Scriptable: printf "C\\nD\\nsubmit\\ny\\n" | tutor exam --user ada',
    ],
    load: async () => (await import('./exam.ts')).examCommand,
  },
];
