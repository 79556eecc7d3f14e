import type { Bank, Question } from './schema.ts';

/** The banks the bot serves, by id. Loaded once at start; `/bank import` adds to it. */
export class BankCatalog {
  readonly #banks = new Map<string, Bank>();

  constructor(banks: Iterable<Bank> = []) {
    for (const bank of banks) this.put(bank);
  }

  put(bank: Bank): void {
    this.#banks.set(bank.id, bank);
  }

  list(): Bank[] {
    return [...this.#banks.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(bankId: string): Bank | undefined {
    return this.#banks.get(bankId);
  }

  question(bankId: string, questionId: string): Question | undefined {
    return this.#banks.get(bankId)?.questions.find((q) => q.id === questionId);
  }

  /** Questions a learner may be served: drafts (imported without an answer key) never are. */
  servableQuestions(bankId: string): Question[] {
    return (this.#banks.get(bankId)?.questions ?? []).filter((q) => q.status !== 'draft');
  }
}
