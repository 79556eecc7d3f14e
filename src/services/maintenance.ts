import type { ForgetResult, ProgressStore } from '../progress/ports.ts';

/** Where an online backup of the database went. */
export interface BackupResult {
  path: string;
  pages: number;
  bytes: number;
}

/** Privacy and upkeep of the stored records: `/forget-me`, `tutor db forget`, `tutor db backup`. */
export interface MaintenanceService {
  /** Deletes every stored row about one user in one transaction. */
  forgetUser(userId: string): ForgetResult;
  /** Copies the live database to a new file (never overwriting one), safe while the bot runs. */
  backup(destination: string): Promise<BackupResult>;
  /** The database file the records live in. */
  readonly databasePath: string;
}

export interface MaintenanceServiceDeps {
  store: Pick<ProgressStore, 'forgetUser'>;
  backup(destination: string): Promise<BackupResult>;
  databasePath: string;
}

export function createMaintenanceService(deps: MaintenanceServiceDeps): MaintenanceService {
  return {
    forgetUser: (userId) => deps.store.forgetUser(userId),
    backup: (destination) => deps.backup(destination),
    databasePath: deps.databasePath,
  };
}
