/**
 * Forward-only migrations, the same on PGlite and PostgreSQL. The bookkeeping tables live in
 * their own schema so that every table in `public` belongs to a district.
 */
import type { Kysely } from 'kysely';
import { type MigrationResult, Migrator } from 'kysely/migration';
import { migrations } from './migrations/index.ts';
import type { DB } from './types.ts';

export const MIGRATION_SCHEMA = 'homeroom_migrations';

export interface MigrateOutcome {
  readonly applied: readonly string[];
  readonly total: number;
}

/** Applies every pending migration in one go; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<DB>): Promise<MigrateOutcome> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: MIGRATION_SCHEMA,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result: MigrationResult) => result.status === 'Error');
  if (error) {
    const name = failed?.migrationName ?? 'unknown';
    throw new Error(`Migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return {
    applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName),
    total: Object.keys(migrations).length,
  };
}
