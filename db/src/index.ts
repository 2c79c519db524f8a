export * from './schema.ts';
export { createDb, localCacheGeneration, type DbHandle, type Engine, type CreateDbOptions } from './client.ts';
export { migrateToLatest } from './migrate.ts';
export { sql, type Kysely, type Transaction } from 'kysely';
export { createScratchDatabase } from './scratch.ts';
export { backupPglite, restorePglite, backupPostgres, restorePostgres, postgresIsEmpty, databaseFacts, compareFacts, readManifest, manifestPath, backupFileEngine, RestoreRefused, type BackupManifest, type DatabaseFacts } from './backup.ts';
export * from './data-key.ts';
export { checkDataKey } from './migrate.ts';
export { nameKeys, nameInitials, nameStrokeKey } from './name-keys.ts';
