/**
 * All of Homeroom's settings, read from the environment once and validated together.
 * Nothing else in src/ reads process.env (biome's noProcessEnv enforces it). Every setting
 * has a documented default; `loadConfig` reports every problem at once, each naming the
 * variable and the form it expects.
 */
import { resolve } from 'node:path';

type Parser<T> = (raw: string) => T;

interface Setting<T> {
  /** What the setting does, for the README table and `homeroom config`. */
  readonly doc: string;
  /** The expected form, quoted in error messages. */
  readonly form: string;
  /** The default as written in the environment, or undefined when unset means "off". */
  readonly fallback: string | undefined;
  readonly parse: Parser<T>;
}

class SettingError extends Error {}

function setting<T, F extends string | undefined>(
  doc: string,
  form: string,
  fallback: F,
  parse: Parser<T>,
): Setting<T> & { readonly fallback: F } {
  return { doc, form, fallback, parse };
}

const integer =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new SettingError();
    const value = Number(raw);
    if (value < min || value > max) throw new SettingError();
    return value;
  };

const boolean: Parser<boolean> = (raw) => {
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new SettingError();
};

const oneOf =
  <const T extends string>(...values: T[]): Parser<T> =>
  (raw) => {
    const value = raw.trim() as T;
    if (!values.includes(value)) throw new SettingError();
    return value;
  };

const postgresUrl: Parser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingError();
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new SettingError();
  return raw;
};

const httpUrl: Parser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingError();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SettingError();
  return url.origin + url.pathname.replace(/\/$/, '');
};

const isoDate: Parser<string> = (raw) => {
  const value = raw.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new SettingError();
  }
  if (new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) throw new SettingError();
  return value;
};

/**
 * A date in the demo district's school year (the only year the demo has a calendar for:
 * DEMO_SCHOOL_YEAR in src/demo/demo-calendar.ts; configuration does not depend on the demo).
 */
const demoDate: Parser<string> = (raw) => {
  const value = isoDate(raw);
  if (value < '2026-07-01' || value > '2027-06-30') throw new SettingError();
  return value;
};

const text: Parser<string> = (raw) => {
  if (raw.trim() === '') throw new SettingError();
  return raw.trim();
};

/** The settings table: the single source for validation, the README and `homeroom config`. */
export const settings = {
  DATABASE_URL: setting(
    'PostgreSQL connection string. Unset: the embedded database (PGlite) under HOMEROOM_DATA_DIR.',
    'a postgres:// or postgresql:// URL',
    undefined,
    postgresUrl,
  ),
  DATABASE_POOL_MAX: setting(
    'Connections per process in the PostgreSQL pool.',
    'an integer from 1 to 200',
    '10',
    integer(1, 200),
  ),
  HOMEROOM_DATA_DIR: setting(
    'Where the embedded database keeps its files (ignored when DATABASE_URL is set).',
    'a directory path',
    './data',
    (raw) => resolve(text(raw)),
  ),
  HOST: setting('Interface the HTTP server listens on.', 'a host name or IP address', '127.0.0.1', text),
  PORT: setting('Port the HTTP server listens on.', 'an integer from 0 to 65535', '3000', integer(0, 65535)),
  PUBLIC_URL: setting(
    'The address families and providers use to reach this server (links in messages, webhook signatures).',
    'an http:// or https:// URL',
    'http://localhost:3000',
    httpUrl,
  ),
  TRUST_PROXY: setting(
    'Trust X-Forwarded-* headers from a reverse proxy in front of the server.',
    'true or false',
    'false',
    boolean,
  ),
  LOG_LEVEL: setting(
    'Minimum level written to the log (JSON lines on standard output).',
    'one of fatal, error, warn, info, debug, trace, silent',
    'info',
    oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  ),
  METRICS_TOKEN: setting(
    'When set, /metrics requires "Authorization: Bearer <token>"; unset, /metrics is open.',
    'a non-empty string',
    undefined,
    text,
  ),
  SHUTDOWN_TIMEOUT_MS: setting(
    'How long a stopping process waits for in-flight requests and jobs before it exits.',
    'an integer number of milliseconds from 0 to 600000',
    '10000',
    integer(0, 600_000),
  ),
  HOMEROOM_DEMO: setting(
    'Seed the demo district when the database has no district yet (npm start).',
    'true or false',
    'true',
    boolean,
  ),
  HOMEROOM_DEMO_STUDENTS: setting(
    'How many students the demo district has.',
    'an integer from 100 to 1000000',
    '1500',
    integer(100, 1_000_000),
  ),
  HOMEROOM_DEMO_SEED: setting(
    'Seed of the demo generator: the same seed gives the same district.',
    'an integer from 0 to 4294967295',
    '2026',
    integer(0, 4_294_967_295),
  ),
  HOMEROOM_DEMO_AS_OF: setting(
    'The demo district is shown as of this school date (attendance exists up to the day before).',
    'a date as YYYY-MM-DD in the 2026-27 school year (2026-07-01 to 2027-06-30)',
    undefined,
    demoDate,
  ),
  HOMEROOM_IN_PROCESS_WORKERS: setting(
    'Run the job workers inside `serve` (the embedded default); set false when running `homeroom worker` processes.',
    'true or false',
    undefined,
    boolean,
  ),
  MESSAGING_MODE: setting(
    'dev: every message goes to the development outbox page and nothing leaves the server. live: SMS and voice go through Twilio and email through SMTP, as configured below (a channel without a provider fails visibly).',
    'dev or live',
    'dev',
    oneOf('dev', 'live'),
  ),
  TWILIO_ACCOUNT_SID: setting(
    'Twilio account SID for SMS and voice (live mode).',
    'AC followed by 32 hexadecimal characters',
    undefined,
    (raw) => {
      if (!/^AC[0-9a-f]{32}$/i.test(raw.trim())) throw new SettingError();
      return raw.trim();
    },
  ),
  TWILIO_AUTH_TOKEN: setting(
    'Twilio auth token: signs API calls and verifies webhooks. Without it the server refuses every Twilio webhook.',
    'a non-empty string',
    undefined,
    text,
  ),
  TWILIO_API_URL: setting(
    "Twilio's REST API address (change only to point at a test double).",
    'an http:// or https:// URL',
    'https://api.twilio.com',
    httpUrl,
  ),
  SMTP_URL: setting(
    'Mail relay for email (live mode), with credentials if it needs them.',
    'an smtp:// or smtps:// URL such as smtps://user:password@mail.example.org:465',
    undefined,
    (raw) => {
      let url: URL;
      try {
        url = new URL(raw.trim());
      } catch {
        throw new SettingError();
      }
      if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new SettingError();
      return raw.trim();
    },
  ),
  EMAIL_FROM: setting(
    "Sender of email to families when a district has not set its own (e.g. 'Lincoln Schools <attendance@lincoln.example.org>').",
    'a non-empty string',
    'Homeroom <homeroom@localhost>',
    text,
  ),
  EMAIL_REPLY_DOMAIN: setting(
    'Domain whose mail is forwarded to /webhooks/mailgun/inbound (its MX at Mailgun): emails to families carry Reply-To reply+<message id>@ this domain, so replies join the conversation.',
    'a domain name such as replies.lincoln.example.org',
    undefined,
    (raw) => {
      const value = raw.trim().toLowerCase();
      if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(value))
        throw new SettingError();
      return value;
    },
  ),
  MAILGUN_SIGNING_KEY: setting(
    'Mailgun webhook signing key: verifies forwarded replies. Without it /webhooks/mailgun/inbound refuses everything.',
    'a non-empty string',
    undefined,
    text,
  ),
  MESSAGE_SEND_TIMEOUT_MS: setting(
    'How long one call to a provider may take before its outcome counts as unclear (it is then reconciled, never blindly re-sent).',
    'an integer number of milliseconds from 100 to 120000',
    '15000',
    integer(100, 120_000),
  ),
  TRANSLATION_PROVIDER: setting(
    "Machine translation of staff's own words into a family's language and of families' replies for staff: off, a LibreTranslate-compatible server, or Google Cloud Translation. Off sends nothing anywhere; the original is always kept and shown.",
    'off, libretranslate or google',
    'off',
    oneOf('off', 'libretranslate', 'google'),
  ),
  TRANSLATION_URL: setting(
    'Address of the LibreTranslate-compatible server (TRANSLATION_PROVIDER=libretranslate), e.g. one the district runs itself.',
    'an http:// or https:// URL',
    undefined,
    httpUrl,
  ),
  TRANSLATION_API_KEY: setting(
    'API key for the translation provider (required for google; optional for LibreTranslate).',
    'a non-empty string',
    undefined,
    text,
  ),
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof settings;
export type SettingName = keyof Settings;
type Parsed<S> = S extends Setting<infer T> ? T : never;

type ParsedSettings = {
  readonly [K in SettingName]: Settings[K]['fallback'] extends string
    ? Parsed<Settings[K]>
    : Parsed<Settings[K]> | undefined;
};

/** The validated configuration. Settings without a default are undefined when unset. */
export type Config = Omit<ParsedSettings, 'HOMEROOM_IN_PROCESS_WORKERS'> & {
  /** Defaults to true on the embedded database and false on PostgreSQL. */
  readonly HOMEROOM_IN_PROCESS_WORKERS: boolean;
};

/** Thrown by loadConfig with every problem found; `problems` has one line per variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      `Homeroom cannot start: the configuration is invalid.\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Parses and validates every setting from `env` (process.env by default).
 * An empty value counts as unset. Throws ConfigError naming each wrong variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(settings) as [SettingName, Setting<unknown>][]) {
    const raw = env[name];
    const source = raw === undefined || raw === '' ? definition.fallback : raw;
    if (source === undefined) {
      values[name] = undefined;
      continue;
    }
    try {
      values[name] = definition.parse(source);
    } catch {
      problems.push(`${name}=${JSON.stringify(source)} is not valid: expected ${definition.form}.`);
    }
  }
  // Settings that only make sense together.
  if ((values.TWILIO_ACCOUNT_SID === undefined) !== (values.TWILIO_AUTH_TOKEN === undefined)) {
    problems.push(
      'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together: set both to send SMS and calls through Twilio, or neither.',
    );
  }
  if (values.TRANSLATION_PROVIDER === 'libretranslate' && values.TRANSLATION_URL === undefined) {
    problems.push('TRANSLATION_PROVIDER=libretranslate needs TRANSLATION_URL (the server to call).');
  }
  if (values.TRANSLATION_PROVIDER === 'google' && values.TRANSLATION_API_KEY === undefined) {
    problems.push('TRANSLATION_PROVIDER=google needs TRANSLATION_API_KEY.');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = values as ParsedSettings;
  return Object.freeze({
    ...config,
    HOMEROOM_IN_PROCESS_WORKERS: config.HOMEROOM_IN_PROCESS_WORKERS ?? config.DATABASE_URL === undefined,
  });
}

/** Whether the configuration points at the embedded database. */
export function usesEmbeddedDatabase(config: Config): boolean {
  return config.DATABASE_URL === undefined;
}
