import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testEngine } from '../../../test/support/database.ts';
import { defineJob } from './job.ts';
import { createJobQueue, type JobQueue, validateRegistry } from './queue.ts';

const handled: string[] = [];
let release: (() => void) | undefined;
const allHandled = (count: number) =>
  new Promise<void>((resolve) => {
    release = () => {
      if (handled.length >= count) resolve();
    };
    release();
  });

const recordSlug = defineJob({
  name: 'platform.record-slug',
  version: 1,
  payload: Type.Object({ v: Type.Literal(1), slug: Type.String({ minLength: 1 }) }),
  options: { retryLimit: 0, expireInSeconds: 30 },
  handle: async ({ slug }) => {
    handled.push(slug);
    release?.();
  },
});

let database: TestDatabase;
let queue: JobQueue;

beforeAll(async () => {
  database = await createTestDatabase();
  queue = createJobQueue(database, pino({ level: 'silent' }), [recordSlug]);
  await queue.start();
});

afterAll(async () => {
  await queue?.stop(5_000);
  await database?.close();
});

describe(`job queue on ${testEngine()}`, () => {
  it('refuses a registry with a job registered twice', () => {
    expect(() => validateRegistry([recordSlug, recordSlug])).toThrow(/registered twice/);
  });

  it('rejects a payload that does not match the job schema, naming the field', async () => {
    await expect(queue.send('platform.record-slug', { slug: '' })).rejects.toThrow(/slug/);
    await expect(queue.send('platform.unknown', {})).rejects.toThrow(/No job named/);
  });

  it('enqueues a job only when the transaction that decided it commits', async () => {
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto('districts').values({ slug: 'committed', name: 'Committed' }).execute();
      await queue.send('platform.record-slug', { slug: 'committed' }, { trx });
    });
    await expect(
      database.db.transaction().execute(async (trx) => {
        await trx.insertInto('districts').values({ slug: 'rolled-back', name: 'Rolled back' }).execute();
        await queue.send('platform.record-slug', { slug: 'rolled-back' }, { trx });
        throw new Error('decision abandoned');
      }),
    ).rejects.toThrow('decision abandoned');

    const { rows } = await sql<{ slug: string }>`
      SELECT data->>'slug' AS slug FROM pgboss.job WHERE name = 'platform.record-slug' ORDER BY slug`.execute(
      database.db,
    );
    expect(rows.map((row) => row.slug)).toEqual(['committed']);
    const districts = await database.db.selectFrom('districts').select('slug').execute();
    expect(districts.map((row) => row.slug)).toEqual(['committed']);
  });

  it('runs queued jobs with their handlers', async () => {
    await queue.send('platform.record-slug', { slug: 'direct' });
    const done = allHandled(2);
    await queue.work();
    await done;
    expect([...handled].sort()).toEqual(['committed', 'direct']);
  });
});
