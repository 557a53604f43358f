import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, settings } from './config.ts';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set: embedded database under ./data, port 3000', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.HOMEROOM_DATA_DIR).toBe(resolve('./data'));
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.HOMEROOM_DEMO).toBe(true);
    expect(config.HOMEROOM_DEMO_STUDENTS).toBe(1500);
    expect(config.HOMEROOM_IN_PROCESS_WORKERS).toBe(true);
    expect(config.TRUST_PROXY).toBe(false);
  });

  it('reads PostgreSQL settings and turns in-process workers off by default there', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://app@db.internal:5432/homeroom',
      DATABASE_POOL_MAX: '25',
    });
    expect(config.DATABASE_URL).toBe('postgres://app@db.internal:5432/homeroom');
    expect(config.DATABASE_POOL_MAX).toBe(25);
    expect(config.HOMEROOM_IN_PROCESS_WORKERS).toBe(false);
    expect(
      loadConfig({ DATABASE_URL: 'postgresql://x/y', HOMEROOM_IN_PROCESS_WORKERS: 'yes' })
        .HOMEROOM_IN_PROCESS_WORKERS,
    ).toBe(true);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).PORT).toBe(3000);
  });

  it.each([
    ['PORT', 'eighty', 'an integer from 0 to 65535'],
    ['PORT', '70000', 'an integer from 0 to 65535'],
    ['DATABASE_URL', 'mysql://localhost/db', 'a postgres:// or postgresql:// URL'],
    ['DATABASE_POOL_MAX', '0', 'an integer from 1 to 200'],
    ['TRUST_PROXY', 'maybe', 'true or false'],
    ['LOG_LEVEL', 'loud', 'one of fatal, error, warn, info, debug, trace, silent'],
    ['PUBLIC_URL', 'ftp://example.org', 'an http:// or https:// URL'],
    ['HOMEROOM_DEMO_AS_OF', '2027-02-30', 'a date as YYYY-MM-DD'],
    ['HOMEROOM_DEMO_AS_OF', '2031-01-01', 'in the 2026-27 school year (2026-07-01 to 2027-06-30)'],
    ['HOMEROOM_DEMO_STUDENTS', '50', 'an integer from 100 to 1000000'],
  ])('names %s and the expected form when it is %j', (name, value, form) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
    expect(problems[0]).toContain(JSON.stringify(value));
    expect(problems[0]).toContain(form);
  });

  it('refuses half a Twilio configuration, naming both variables', () => {
    const problems = problemsOf({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` });
    expect(problems).toEqual([
      expect.stringContaining('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together'),
    ]);
    expect(problemsOf({ TWILIO_AUTH_TOKEN: 'secret' })).toHaveLength(1);
    expect(
      loadConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'secret' })
        .TWILIO_AUTH_TOKEN,
    ).toBe('secret');
  });

  it('reports every wrong variable at once', () => {
    const problems = problemsOf({ PORT: 'x', LOG_LEVEL: 'y', DATABASE_URL: 'z' });
    expect(problems.map((problem) => problem.split('=')[0])).toEqual(['DATABASE_URL', 'PORT', 'LOG_LEVEL']);
  });

  it('documents every setting with a description and an expected form', () => {
    for (const [name, definition] of Object.entries(settings)) {
      expect(definition.doc.length, name).toBeGreaterThan(10);
      expect(definition.form.length, name).toBeGreaterThan(3);
      if (definition.fallback !== undefined)
        expect(() => definition.parse(definition.fallback as string), name).not.toThrow();
    }
  });
});
