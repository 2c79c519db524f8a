export * from './schema.ts';
export { createDb, localCacheGeneration, type DbHandle, type Engine, type CreateDbOptions } from './client.ts';
export { migrateToLatest } from './migrate.ts';
export { sql, type Kysely, type Transaction } from 'kysely';
export { createScratchDatabase } from './scratch.ts';
export { nameKeys, nameInitials, nameStrokeKey } from './name-keys.ts';
