/**
 * The built-in message templates Homeroom sends to families, written in the partnership tone
 * of DOMAIN.md §3 and translated into every supported language (catalogue/<code>.ts). Each
 * template is one ICU MessageFormat string per part (SMS/voice body, email subject), rendered
 * with intl-messageformat in the recipient's language. English is the source: every other
 * language must use exactly the same variables (the tests enforce it).
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { collectVariables, type VariableKind } from '../../platform/i18n/message-variables.ts';
import { ar } from './catalogue/ar.ts';
import { en } from './catalogue/en.ts';
import { es } from './catalogue/es.ts';
import { fr } from './catalogue/fr.ts';
import { ht } from './catalogue/ht.ts';
import { ko } from './catalogue/ko.ts';
import { pt } from './catalogue/pt.ts';
import { ru } from './catalogue/ru.ts';
import { so } from './catalogue/so.ts';
import { tl } from './catalogue/tl.ts';
import { uk } from './catalogue/uk.ts';
import { vi } from './catalogue/vi.ts';
import { zhHans } from './catalogue/zh-Hans.ts';
import { zhHant } from './catalogue/zh-Hant.ts';
import { getLanguage, type LanguageCode, resolveLanguage } from './languages.ts';

export const TEMPLATE_KEYS = [
  'same_day_check_in',
  'real_number',
  'improvement_celebration',
  'weekly_summary',
  'monthly_summary',
  'conference_invitation',
  'conference_reminder',
  'survey_invitation',
  'no_answer_follow_up',
  'statutory_notice',
  'consent_confirmation',
  'opt_out_confirmation',
  'opt_in_confirmation',
  'help_reply',
  'weekly_digest',
  'voice_keypad_prompt',
  'sign_in_code',
  'sms_reply_menu',
  'portal_link',
] as const;

export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

/**
 * Templates only Homeroom itself sends, never staff or a playbook: a portal sign-in code (a
 * code staff sent would sign no one in, and would teach families to trust codes from anyone)
 * the reply menu, which only ends a same-day check-in, and the portal link an email ends with.
 */
const SYSTEM_ONLY: readonly TemplateKey[] = ['sign_in_code', 'sms_reply_menu', 'portal_link'];
/** The templates staff and playbooks may send. */
export const SENDABLE_TEMPLATE_KEYS = TEMPLATE_KEYS.filter((key) => !SYSTEM_ONLY.includes(key));

export type TemplatePart = 'body' | 'emailSubject';

export type Channel = 'sms' | 'email' | 'voice' | 'letter';

/** One template in one language. `emailSubject` exists exactly when the template goes by email. */
export interface TemplateText {
  readonly body: string;
  readonly emailSubject?: string;
}

export type Catalogue = { readonly [K in TemplateKey]: TemplateText };

/**
 * Where each template may be sent. The keyword replies (STOP/START/HELP) and the consent
 * notice are SMS-only; the statutory notice is too long for a text and goes by email or
 * letter; the keypad prompt is read on a call after a message body, and the reply menu (the
 * same choices as numbers to text back) ends a same-day check-in by text; the weekly digest heads
 * the messages a family's weekly budget held back, sent together once the budget allows; the
 * sign-in code is the family portal's one-time code, and the portal link ends an email to a
 * guardian who may use the portal (added when it is sent, never stored).
 */
export const TEMPLATE_CHANNELS: { readonly [K in TemplateKey]: readonly Channel[] } = {
  same_day_check_in: ['sms', 'email', 'voice'],
  real_number: ['sms', 'email', 'voice'],
  improvement_celebration: ['sms', 'email'],
  weekly_summary: ['sms', 'email'],
  monthly_summary: ['sms', 'email'],
  conference_invitation: ['sms', 'email'],
  conference_reminder: ['sms', 'email'],
  survey_invitation: ['sms', 'email'],
  no_answer_follow_up: ['sms', 'email'],
  statutory_notice: ['email', 'letter'],
  consent_confirmation: ['sms'],
  opt_out_confirmation: ['sms'],
  opt_in_confirmation: ['sms'],
  help_reply: ['sms'],
  weekly_digest: ['sms', 'email'],
  voice_keypad_prompt: ['voice'],
  sign_in_code: ['sms', 'email', 'voice'],
  sms_reply_menu: ['sms'],
  portal_link: ['email'],
};

export const CATALOGUES: { readonly [L in LanguageCode]: Catalogue } = {
  en,
  es,
  'zh-Hans': zhHans,
  'zh-Hant': zhHant,
  vi,
  ar,
  ht,
  so,
  pt,
  ru,
  tl,
  ko,
  fr,
  uk,
};

export type TemplateValues = Readonly<Record<string, string | number>>;

export interface RenderedTemplate {
  text: string;
  language: LanguageCode;
  direction: 'ltr' | 'rtl';
}

interface Compiled {
  readonly format: IntlMessageFormat;
  readonly variables: ReadonlyMap<string, VariableKind>;
}

const compiled = new Map<string, Compiled>();

/**
 * Renders one template part in the recipient's language. `language` may be any tag or name
 * (`es-MX`, `Spanish`); an unsupported one falls back to English, reported in `language`.
 * Throws when a variable the message uses is missing (naming template, language and
 * variable), when a count is not a number, or when the template has no such part.
 */
export function renderTemplate(
  key: TemplateKey,
  language: string,
  values: TemplateValues,
  options: { part?: TemplatePart } = {},
): RenderedTemplate {
  const part = options.part ?? 'body';
  const code = resolveLanguage(language);
  const { format, variables } = compile(key, code, part);
  const kinds = compile(key, 'en', part).variables;
  for (const name of variables.keys()) {
    const value = values[name];
    if (value === undefined || value === null) {
      throw new Error(`Template "${key}" (${code}, ${part}) needs a value for "${name}"`);
    }
    if (kinds.get(name) === 'number' && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new Error(`Template "${key}" (${code}, ${part}): "${name}" must be a finite number`);
    }
  }
  const output = format.format<string>(values);
  const text = Array.isArray(output) ? output.join('') : String(output);
  return { text, language: code, direction: getLanguage(code).direction };
}

/** The variables a template uses (body and email subject), from the English source, sorted. */
export function templateVariables(key: TemplateKey): string[] {
  const names = new Set<string>();
  for (const part of templateParts(key))
    for (const name of compile(key, 'en', part).variables.keys()) names.add(name);
  return [...names].sort();
}

/** The parts a template has: always `body`, plus `emailSubject` when it goes by email. */
export function templateParts(key: TemplateKey): TemplatePart[] {
  return CATALOGUES.en[key].emailSubject === undefined ? ['body'] : ['body', 'emailSubject'];
}

function compile(key: TemplateKey, code: LanguageCode, part: TemplatePart): Compiled {
  const cacheKey = `${code}\u0000${key}\u0000${part}`;
  const cached = compiled.get(cacheKey);
  if (cached) return cached;
  const source = CATALOGUES[code][key][part];
  if (source === undefined) throw new Error(`Template "${key}" has no ${part} (${code})`);
  const format = new IntlMessageFormat(source, getLanguage(code).intlLocale, undefined, { ignoreTag: true });
  const variables = new Map<string, VariableKind>();
  collectVariables(format.getAst(), variables);
  const entry = { format, variables };
  compiled.set(cacheKey, entry);
  return entry;
}
