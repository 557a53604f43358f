import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDbTypes } from '../scripts/generate-db-types.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { migrations } from '../src/platform/db/migrations/index.ts';
import { createTestDatabase, type TestDatabase, testEngine } from './support/database.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

interface KeyRow {
  table_name: string;
  constraint_name: string;
  constraint_type: 'PRIMARY KEY' | 'FOREIGN KEY';
  columns: string[];
  referenced_columns: string[] | null;
}

describe(`schema on ${testEngine()}`, () => {
  it('is fully migrated, and migrating again applies nothing', async () => {
    const outcome = await migrateToLatest(database.db);
    expect(outcome.applied).toEqual([]);
    const { rows } = await sql<{
      name: string;
    }>`SELECT name FROM homeroom_migrations.kysely_migration ORDER BY name`.execute(database.db);
    expect(rows.map((row) => row.name)).toEqual(Object.keys(migrations).sort());
  });

  it('lists every migration file in the migration index', () => {
    const files = readdirSync(new URL('../src/platform/db/migrations/', import.meta.url))
      .filter((file) => /^\d{4}-\d{2}-\d{2}T\d{4}_[a-z0-9-]+\.ts$/.test(file))
      .map((file) => file.replace(/\.ts$/, ''));
    expect(Object.keys(migrations).sort()).toEqual(files.sort());
  });

  it('gives every table a district_id, and starts every primary and foreign key with it', async () => {
    const { rows: tables } = await sql<{ table_name: string; has_district: boolean }>`
      SELECT t.table_name,
             EXISTS (SELECT 1 FROM information_schema.columns c
                     WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name
                       AND c.column_name = 'district_id' AND c.is_nullable = 'NO') AS has_district
      FROM information_schema.tables t
      WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'`.execute(database.db);
    expect(tables.length).toBeGreaterThanOrEqual(20);
    expect(tables.filter((table) => !table.has_district).map((table) => table.table_name)).toEqual([]);

    const { rows: keys } = await sql<KeyRow>`
      SELECT con.conrelid::regclass::text AS table_name, con.conname AS constraint_name,
             CASE con.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'FOREIGN KEY' END AS constraint_type,
             ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
             CASE WHEN con.contype = 'f' THEN
               ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.n)
             END AS referenced_columns
      FROM pg_constraint con
      JOIN pg_namespace ns ON ns.oid = con.connamespace
      WHERE ns.nspname = 'public' AND con.contype IN ('p', 'f')`.execute(database.db);

    const tablesWithPrimaryKey = new Set(
      keys.filter((k) => k.constraint_type === 'PRIMARY KEY').map((k) => k.table_name),
    );
    expect(tables.map((t) => t.table_name).filter((name) => !tablesWithPrimaryKey.has(name))).toEqual([]);
    const offending = keys.filter(
      (key) =>
        key.columns[0] !== 'district_id' ||
        (key.referenced_columns && key.referenced_columns[0] !== 'district_id'),
    );
    expect(offending.map((key) => `${key.table_name}.${key.constraint_name}`)).toEqual([]);
    expect(keys.filter((key) => key.constraint_type === 'FOREIGN KEY').length).toBeGreaterThan(30);
  });

  it('indexes every foreign key by its own columns, so deletes and joins never scan a table', async () => {
    const { rows } = await sql<{ key: string; indexed: boolean }>`
      SELECT con.conrelid::regclass::text || '.' || con.conname AS key,
             EXISTS (
               SELECT 1 FROM pg_index i
               WHERE i.indrelid = con.conrelid
                 AND (SELECT array_agg(x ORDER BY x)
                      FROM unnest((i.indkey::int2[])[0:array_length(con.conkey, 1) - 1]) x)
                   = (SELECT array_agg(x ORDER BY x) FROM unnest(con.conkey) x)
             ) AS indexed
      FROM pg_constraint con
      JOIN pg_namespace ns ON ns.oid = con.connamespace
      WHERE ns.nspname = 'public' AND con.contype = 'f'`.execute(database.db);
    expect(rows.length).toBeGreaterThan(30);
    expect(rows.filter((row) => !row.indexed).map((row) => row.key)).toEqual([]);
  });

  it('keeps the audit log append-only', async () => {
    const [district] = await database.db
      .insertInto('districts')
      .values({ slug: 'audit-test', name: 'Audit test' })
      .returning('district_id')
      .execute();
    if (!district) throw new Error('no district');
    await database.db
      .insertInto('audit_log')
      .values({
        district_id: district.district_id,
        actor_type: 'system',
        action: 'test.write',
        outcome: 'allowed',
      })
      .execute();
    await expect(
      database.db
        .updateTable('audit_log')
        .set({ action: 'tampered' })
        .where('district_id', '=', district.district_id)
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(database.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
    const rows = await database.db.selectFrom('audit_log').select('action').execute();
    expect(rows).toEqual([{ action: 'test.write' }]);
  });

  it('rejects a phone number that is not E.164 and an enrolment that ends before it starts', async () => {
    const [district] = await database.db
      .insertInto('districts')
      .values({ slug: 'checks', name: 'Checks' })
      .returning('district_id')
      .execute();
    if (!district) throw new Error('no district');
    const [contact] = await database.db
      .insertInto('contacts')
      .values({ district_id: district.district_id, first_name: 'Ana', last_name: 'Ruiz' })
      .returning('contact_id')
      .execute();
    if (!contact) throw new Error('no contact');
    await expect(
      database.db
        .insertInto('contact_phones')
        .values({ district_id: district.district_id, contact_id: contact.contact_id, phone_e164: '555-0100' })
        .execute(),
    ).rejects.toThrow(/contact_phones_phone_e164_check/);
    await database.db
      .insertInto('contact_phones')
      .values({
        district_id: district.district_id,
        contact_id: contact.contact_id,
        phone_e164: '+12025550100',
      })
      .execute();
  });

  it('matches the generated TypeScript types in src/platform/db/types.ts', async () => {
    const committed = readFileSync(new URL('../src/platform/db/types.ts', import.meta.url), 'utf8');
    expect(await generateDbTypes()).toBe(committed);
  });
});
