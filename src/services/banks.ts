import type { BankCatalog } from '../bank/catalog.ts';
import type { ImportOutcome, ImportRequest } from '../bank/import/types.ts';
import { importBankIntoFolder, type ImportIntoFolderResult } from '../bank/import/write.ts';
import type { Bank } from '../bank/schema.ts';
import type { BankProblem } from '../bank/validate.ts';
import { UserError } from '../errors.ts';
import { countNoun, pluralWord } from '../messages/format.ts';

/** The loaded banks, for choosing and showing them, and the entry point of a bank import. */
export interface BankService {
  list(): Bank[];
  get(bankId: string): Bank | undefined;
  /** A bank by id, or a UserError naming the ids there are (and how many files failed to load). */
  require(bankId: string): Bank;
  /** Topics of the questions a learner may be served, from one bank or every bank, sorted. */
  topics(bankId?: string): string[];
  /** Problems found while loading (a bank with errors is skipped, the others load). */
  problems(): readonly BankProblem[];
  /**
   * `/bank import`: the same flow as `tutor bank import` (importBankIntoFolder): parsed by the importer
   * (a worker thread in the app), written to the banks folder without replacing a file unless `replace`,
   * then served from now on.
   */
  importIntoFolder(request: ImportRequest & { replace: boolean }): Promise<ImportIntoFolderResult>;
}

export interface BankServiceDeps {
  catalog: BankCatalog;
  problems: readonly BankProblem[];
  /** Absolute folder the banks were loaded from; imported banks are written there as `<id>.json`. */
  banksDir: string;
  importBank(request: ImportRequest): Promise<ImportOutcome>;
}

export function createBankService(deps: BankServiceDeps): BankService {
  const { catalog } = deps;
  return {
    list: () => catalog.list(),
    get: (bankId) => catalog.get(bankId),
    require(bankId) {
      const bank = catalog.get(bankId);
      if (bank) return bank;
      const known = catalog.list().map((candidate) => candidate.id).join(', ') || 'none';
      const broken = new Set(deps.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.file));
      const hint = broken.size > 0 ? ` ${countNoun(broken.size, 'bank file')} ${pluralWord(broken.size, 'has', 'have')} errors and ${pluralWord(broken.size, 'was', 'were')} not loaded: run \`tutor bank check\`.` : '';
      throw new UserError('unknown-bank', { bankId, banks: known, hint });
    },
    topics(bankId) {
      const banks = bankId ? [catalog.get(bankId)].filter((bank) => bank !== undefined) : catalog.list();
      const topics = new Set<string>();
      for (const bank of banks) for (const question of catalog.servableQuestions(bank.id)) if (question.topic) topics.add(question.topic);
      return [...topics].sort();
    },
    problems: () => deps.problems,
    async importIntoFolder(request) {
      const result = await importBankIntoFolder({ ...request, banksDir: deps.banksDir }, deps.importBank);
      if (result.status === 'written') catalog.put(result.outcome.bank);
      return result;
    },
  };
}
