/**
 * The family portal (issue 8): sign-in by a one-time code, each child's year in plain words
 * with the calendar and the trajectory, and the forms a family needs — report an absence,
 * "my child is at school", write to the school, ask for help, preferences. Every page is in the
 * family's language and works without JavaScript; every form posts and redirects with a notice,
 * or shows itself again with what was wrong and everything typed kept.
 */
import { readFileSync } from 'node:fs';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { getLanguage, LANGUAGES, type LanguageCode } from '../messaging/content/languages.ts';
import { addDays, addMonths } from '../platform/dates.ts';
import { AppError, isAppError } from '../platform/errors.ts';
import type { AppDependencies } from '../platform/http/app.ts';
import { readFamilyToken, setFamilyCookie } from '../platform/http/auth.ts';
import { html, type SafeHtml } from '../platform/http/html.ts';
import { trajectoryChart } from '../platform/http/trajectory-chart.ts';
import { districtToday } from '../roster/district.repository.ts';
import { ATTACHMENT_MAX_BYTES } from './attachments.service.ts';
import { bookConferenceSlot, familyConferenceSlots } from './conference.service.ts';
import {
  type CalendarDay,
  childCalendar,
  childTrajectory,
  type FamilyChild,
  familyChildren,
  familyConversation,
  recentAbsences,
} from './family.repository.ts';
import {
  answerAtSchool,
  askForHelp,
  CONSENT_CHANNELS,
  checkRequestId,
  FAMILY_BARRIERS,
  FAMILY_REASONS,
  type FamilyBarrier,
  loadPreferences,
  PREFERRED_CHANNELS,
  REPORT_KINDS,
  reportAbsence,
  requireChild,
  savePreferences,
  writeToSchool,
} from './family-actions.service.ts';
import {
  endFamilySession,
  type FamilyPrincipal,
  findEmailLink,
  parseFamilyAddress,
  REMEMBERED_SESSION_MS,
  requestSignInCode,
  setSessionLanguage,
  useEmailLink,
  verifySignInCode,
} from './family-auth.service.ts';
import {
  deviceLanguage,
  type FamilySection,
  type FamilyTranslator,
  familyLanguage,
  familyTranslator,
  redirectWithNotice,
  rememberLanguage,
  sendFamilyPage,
} from './family-page.ts';
import type { FamilyMessageKey } from './i18n/en.ts';
import { currentPolicy, signaturesOf, signPolicy } from './policy.service.ts';
import { resourcesFor } from './resources.service.ts';
import { recordSurveyResponse } from './survey.service.ts';

const familyCss = readFileSync(new URL('./family.css', import.meta.url), 'utf8');
/** The app icon: a house with an open door on the portal's blue. */
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="96" fill="#0b5fad"/><path d="M256 104 96 240h48v168h224V240h48z" fill="#fbfaf7"/><rect x="222" y="300" width="68" height="108" rx="8" fill="#f2b705"/></svg>`;

type Form = Record<string, string | undefined>;

function field(form: unknown, name: string): string {
  const value = (form as Form | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** A local portal path to return to after signing in, never another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/family(\/[\w\-/?=&%.]*)?$/.test(next) && !next.startsWith('//')
    ? next
    : '/family';
}

function translatorFor(request: FastifyRequest, principal?: FamilyPrincipal): FamilyTranslator {
  return familyTranslator(familyLanguage(request, principal));
}

/** The family-facing text of an error: its translated key when it has one, else a generic line. */
function errorText(t: FamilyTranslator, error: unknown): string {
  if (isAppError(error)) {
    const key = error.userMessageKey as FamilyMessageKey;
    const minutes = Math.ceil(Number(error.details?.retryAfterSeconds ?? 60) / 60);
    const left = Number(error.details?.guessesLeft ?? 0);
    try {
      return t.t(key, { minutes, left, example: '2027-01-15' });
    } catch {
      return error.message;
    }
  }
  return t.t('error.title');
}

function errorBox(message: string | undefined): SafeHtml | '' {
  return message ? html`<p class="error" role="alert" id="form-error">${message}</p>` : '';
}

function percentOf(t: FamilyTranslator, rate: number): string {
  return t.number(rate, { style: 'percent', maximumFractionDigits: 0 });
}

function plainWords(t: FamilyTranslator, child: FamilyChild): SafeHtml {
  const figures = child.figures;
  if (!figures) return html`<p>${t.t('child.noFigures', { name: child.name })}</p>`;
  const days = figures.daysMissed;
  const missed = Number.isInteger(days)
    ? t.t('child.missed', { name: child.name, days })
    : t.t('child.missedHalf', { name: child.name, days: t.number(days, { maximumFractionDigits: 1 }) });
  const status =
    figures.tier === 'satisfactory'
      ? t.t('child.status.satisfactory', { name: child.name })
      : figures.tier === 'at_risk'
        ? t.t('child.status.at_risk')
        : t.t('child.status.chronic');
  const projected = Math.round(figures.projected);
  return html`<p class="big">${missed}</p>
    ${figures.remainingDays > 0 && projected > days ? html`<p>${t.t('child.pace', { name: child.name, projected })}</p>` : ''}
    <p>${status}</p>
    ${figures.improving ? html`<p class="celebrate">${t.t('child.improving', { name: child.name })}</p>` : ''}`;
}

const GRADE_NAMES: Readonly<Record<string, string>> = { PK: 'PK', KG: 'K' };

function schoolLine(t: FamilyTranslator, child: FamilyChild): string {
  return t.t('child.school', {
    school: child.schoolName,
    grade: GRADE_NAMES[child.grade] ?? String(Number(child.grade)),
  });
}

const DAY_KEYS: Readonly<Record<CalendarDay['status'], FamilyMessageKey>> = {
  present: 'child.day.present',
  absent: 'child.day.absent',
  excused: 'child.day.excused',
  partial: 'child.day.partial',
  tardy: 'child.day.tardy',
  no_school: 'child.day.noSchool',
  future: 'child.day.future',
};
/** A mark beside the colour, so no state is told by colour alone. */
const DAY_MARKS: Readonly<Record<CalendarDay['status'], string>> = {
  present: '✓',
  absent: '✗',
  excused: '○',
  partial: '½',
  tardy: '◷',
  no_school: '',
  future: '',
};

/** A month as a grid of weeks (Monday first), each school day with its mark and its words. */
function monthCalendar(t: FamilyTranslator, month: string, days: readonly CalendarDay[]): SafeHtml {
  const byDate = new Map(days.map((day) => [day.date, day]));
  const first = `${month}-01`;
  const next = addMonths(first, 1);
  const weekday = (date: string) => ((new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
  const cells: (string | null)[] = Array.from({ length: weekday(first) - 1 }, () => null);
  for (let date = first; date < next; date = addDays(date, 1)) cells.push(date);
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, index) => cells.slice(index * 7, index * 7 + 7));
  // 2024-01-01 was a Monday. Narrow names fit a phone; the full name is there for screen readers.
  const headers = Array.from({ length: 7 }, (_, index) => ({
    narrow: t.date(addDays('2024-01-01', index), 'narrow'),
    full: t.date(addDays('2024-01-01', index), 'weekday'),
  }));
  return html`<table class="calendar">
    <caption>${t.date(first, 'month')}</caption>
    <thead><tr>${headers.map((name) => html`<th scope="col" abbr="${name.full}"><span aria-hidden="true">${name.narrow}</span><span class="visually-hidden">${name.full}</span></th>`)}</tr></thead>
    <tbody>${weeks.map(
      (week) =>
        html`<tr>${week.map((date) => {
          if (!date) return html`<td></td>`;
          const day = byDate.get(date);
          const status = day?.status ?? 'no_school';
          const words = t.t(DAY_KEYS[status]);
          const reason =
            day?.reason && (status === 'absent' || status === 'excused' || status === 'partial')
              ? ` · ${t.t(`reason.${day.reason}` as FamilyMessageKey)}`
              : '';
          return html`<td class="day ${status}"><span class="num">${Number(date.slice(8))}</span><span class="mark" aria-hidden="true">${DAY_MARKS[status]}</span><span class="visually-hidden">${t.date(date, 'long')}: ${words}${reason}</span></td>`;
        })}</tr>`,
    )}</tbody>
  </table>`;
}

function calendarLegend(t: FamilyTranslator): SafeHtml {
  const shown: CalendarDay['status'][] = ['present', 'absent', 'excused', 'partial', 'tardy', 'no_school'];
  return html`<ul class="legend" aria-label="${t.t('child.calendarLegend')}">${shown.map(
    (status) =>
      html`<li><span class="day ${status}" aria-hidden="true"><span class="mark">${DAY_MARKS[status]}</span></span> ${t.t(DAY_KEYS[status])}</li>`,
  )}</ul>`;
}

function requestIdField(): SafeHtml {
  return html`<input type="hidden" name="requestId" value="${crypto.randomUUID()}">`;
}

function options<T extends string>(
  values: readonly T[],
  label: (value: T) => string,
  selected: string,
): SafeHtml[] {
  return values.map(
    (value) =>
      html`<option value="${value}"${value === selected ? html` selected` : ''}>${label(value)}</option>`,
  );
}

export function registerFamilyRoutes(app: FastifyInstance, dependencies: AppDependencies): void {
  const db = dependencies.database.db;
  const queue = dependencies.queue;

  app.get('/assets/family.css', { config: { access: 'public' } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(familyCss),
  );

  // Installable on a phone's home screen: it opens the portal like an app.
  app.get('/family/manifest.webmanifest', { config: { access: 'public' } }, async (_request, reply) =>
    reply
      .type('application/manifest+json; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send({
        name: 'Homeroom for families',
        short_name: 'Homeroom',
        start_url: '/family',
        scope: '/family',
        display: 'standalone',
        background_color: '#fbfaf7',
        theme_color: '#0b5fad',
        icons: [{ src: '/assets/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      }),
  );
  app.get('/assets/icon.svg', { config: { access: 'public' } }, async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(ICON),
  );

  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 16_384 });
    // The absence report may carry a photo of a note: one file, at most 5 MB, kept in memory.
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: ATTACHMENT_MAX_BYTES, files: 1, fields: 20, fieldSize: 4096 },
      async onFile(part) {
        (part as unknown as { value: Buffer }).value = await part.toBuffer();
      },
    });

    // A family sees pages in their language, never JSON or an English error.
    scope.setErrorHandler((error: FastifyError | AppError, request, reply) => {
      const isForm =
        request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ?? false;
      const wantsHtml = (request.headers.accept?.includes('text/html') ?? false) || isForm;
      if (isAppError(error) && error.code === 'UNAUTHENTICATED' && wantsHtml) {
        const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
        return reply.redirect(`/family/sign-in${next}`, 303);
      }
      const status = isAppError(error) ? error.status : (error.statusCode ?? 500);
      if (status >= 500) request.log.error({ err: error }, 'unhandled error in the family portal');
      if (!wantsHtml) {
        if (isAppError(error)) {
          const retryAfter = error.details?.retryAfterSeconds;
          if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
          return reply
            .status(status)
            .send({ error: { code: error.code, message: error.message, ...error.details } });
        }
        return reply.status(status).send({
          error: {
            code: status === 413 ? 'PAYLOAD_TOO_LARGE' : status < 500 ? 'INVALID_INPUT' : 'INTERNAL',
            message: status < 500 ? error.message : 'Something went wrong on our side. It has been logged.',
          },
        });
      }
      const t = translatorFor(request);
      const message =
        status === 404
          ? t.t('error.notFound')
          : status === 403
            ? t.t('error.notAllowed')
            : status === 413
              ? (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE'
                ? t.t('report.error.photo')
                : t.t('error.tooLong')
              : isAppError(error)
                ? errorText(t, error)
                : t.t('error.title');
      return sendFamilyPage(reply, {
        t,
        title: t.t('error.title'),
        path: '/family',
        status,
        main: html`<h1>${t.t('error.title')}</h1><p>${message}</p><p><a href="/family">${t.t('error.back')}</a></p>`,
      });
    });

    // ---- signing in -------------------------------------------------------------------------

    const districts = async () =>
      (
        await sql<{ district_id: string; slug: string; name: string }>`
          SELECT district_id, slug, name FROM districts ORDER BY name`.execute(db)
      ).rows;

    const signInForm = (
      t: FamilyTranslator,
      all: readonly { slug: string; name: string }[],
      values: { address?: string; district?: string; remember?: boolean; next?: string; error?: string },
    ): SafeHtml => html`<h1>${t.t('signIn.title')}</h1>
      <p>${t.t('signIn.intro')}</p>
      ${errorBox(values.error)}
      <form method="post" action="/family/sign-in" class="stack" novalidate>
        ${
          all.length > 1
            ? html`<label for="district">${t.t('signIn.district')}</label>
          <select id="district" name="district" required>${all.map(
            (d) =>
              html`<option value="${d.slug}"${d.slug === values.district ? html` selected` : ''}>${d.name}</option>`,
          )}</select>`
            : html`<input type="hidden" name="district" value="${all[0]?.slug ?? ''}">`
        }
        <label for="address">${t.t('signIn.address')}</label>
        <p class="hint" id="address-hint">${t.t('signIn.addressHint')}</p>
        <input id="address" name="address" type="text" inputmode="email" autocomplete="username" required
          aria-describedby="address-hint${values.error ? ' form-error' : ''}"${values.error ? html` aria-invalid="true"` : ''} value="${values.address ?? ''}" dir="ltr">
        <p class="check"><input type="checkbox" id="remember" name="remember" value="1"${values.remember ? html` checked` : ''}>
          <label for="remember">${t.t('signIn.remember')}</label></p>
        <input type="hidden" name="next" value="${values.next ?? '/family'}">
        <input type="hidden" name="lang" value="${t.language}">
        <button type="submit">${t.t('signIn.send')}</button>
      </form>`;

    scope.get<{ Querystring: { district?: string; next?: string; notice?: string; lang?: string } }>(
      '/family/sign-in',
      { config: { access: 'public' } },
      async (request, reply) => {
        const t = translatorFor(request);
        if (request.query.lang) rememberLanguage(reply, t.language, request.protocol === 'https');
        const all = await districts();
        const notices: Record<string, FamilyMessageKey> = {
          'signed-out': 'signedOut',
          'link-expired': 'signIn.linkExpired',
        };
        const noticeKey = notices[request.query.notice ?? ''];
        const notice = noticeKey ? t.t(noticeKey) : undefined;
        return sendFamilyPage(reply, {
          t,
          title: t.t('signIn.title'),
          path: '/family/sign-in',
          notice,
          main: signInForm(t, all, { district: request.query.district, next: safeNext(request.query.next) }),
        });
      },
    );

    scope.post('/family/sign-in', { config: { access: 'public' } }, async (request, reply) => {
      const t = translatorFor(request);
      const all = await districts();
      const slug = field(request.body, 'district') || (all.length === 1 ? all[0]?.slug : '');
      const district = all.find((d) => d.slug === slug);
      const values = {
        address: field(request.body, 'address'),
        district: slug,
        remember: field(request.body, 'remember') === '1',
        next: safeNext(field(request.body, 'next')),
      };
      const fail = (status: number, error: string) =>
        sendFamilyPage(reply, {
          t,
          title: t.t('signIn.title'),
          path: '/family/sign-in',
          status,
          main: signInForm(t, all, { ...values, error }),
        });
      if (!district) return fail(400, t.t('signIn.error.district'));
      try {
        const address = parseFamilyAddress(values.address);
        const { codeId } = await requestSignInCode(db, queue ?? unavailableQueue(), {
          districtId: district.district_id,
          districtName: district.name,
          address,
          ip: request.ip,
          language: t.language,
        });
        const query = new URLSearchParams({ c: codeId, d: district.district_id, next: values.next });
        if (values.remember) query.set('r', '1');
        return reply.redirect(`/family/sign-in/code?${query}`, 303);
      } catch (error) {
        if (isAppError(error) && error.code === 'RATE_LIMITED') {
          reply.header('retry-after', String(error.details?.retryAfterSeconds ?? 60));
        }
        if (isAppError(error) && error.status < 500) return fail(error.status, errorText(t, error));
        throw error;
      }
    });

    const codeForm = (
      t: FamilyTranslator,
      values: { c: string; d: string; r: boolean; next: string; error?: string },
    ): SafeHtml => html`<h1>${t.t('signIn.codeTitle')}</h1>
      <p>${t.t('signIn.codeIntro')}</p>
      ${errorBox(values.error)}
      <form method="post" action="/family/sign-in/code" class="stack" novalidate>
        <label for="code">${t.t('signIn.code')}</label>
        <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="7" required
          class="code" dir="ltr"${values.error ? html` aria-invalid="true" aria-describedby="form-error"` : ''}>
        <input type="hidden" name="c" value="${values.c}">
        <input type="hidden" name="d" value="${values.d}">
        <input type="hidden" name="r" value="${values.r ? '1' : ''}">
        <input type="hidden" name="next" value="${values.next}">
        <button type="submit">${t.t('signIn.verify')}</button>
      </form>
      <p><a href="/family/sign-in">${t.t('signIn.again')}</a></p>
      <p class="hint">${t.t('signIn.notOnFile')}</p>`;

    scope.get<{ Querystring: { c?: string; d?: string; r?: string; next?: string } }>(
      '/family/sign-in/code',
      { config: { access: 'public' } },
      async (request, reply) => {
        const t = translatorFor(request);
        const { c = '', d = '' } = request.query;
        if (!/^[0-9a-f-]{36}$/.test(c) || !/^[0-9a-f-]{36}$/.test(d))
          return reply.redirect('/family/sign-in', 303);
        return sendFamilyPage(reply, {
          t,
          title: t.t('signIn.codeTitle'),
          path: `/family/sign-in/code?${new URLSearchParams({ c, d, r: request.query.r ?? '', next: safeNext(request.query.next) })}`,
          main: codeForm(t, { c, d, r: request.query.r === '1', next: safeNext(request.query.next) }),
        });
      },
    );

    scope.post('/family/sign-in/code', { config: { access: 'public' } }, async (request, reply) => {
      const t = translatorFor(request);
      const values = {
        c: field(request.body, 'c'),
        d: field(request.body, 'd'),
        r: field(request.body, 'r') === '1',
        next: safeNext(field(request.body, 'next')),
      };
      if (!/^[0-9a-f-]{36}$/.test(values.c) || !/^[0-9a-f-]{36}$/.test(values.d))
        return reply.redirect('/family/sign-in', 303);
      try {
        const signedIn = await verifySignInCode(db, {
          districtId: values.d,
          codeId: values.c,
          code: field(request.body, 'code'),
          remember: values.r,
          language: deviceLanguage(request),
          userAgent: request.headers['user-agent'] ?? null,
          ip: request.ip,
        });
        startFamilySession(request, reply, signedIn);
        return reply.redirect(values.next, 303);
      } catch (error) {
        if (isAppError(error) && error.code === 'UNAUTHENTICATED') {
          return sendFamilyPage(reply, {
            t,
            title: t.t('signIn.codeTitle'),
            path: '/family/sign-in',
            status: 401,
            main: codeForm(t, { ...values, error: errorText(t, error) }),
          });
        }
        throw error;
      }
    });

    // The sign-in link at the end of an email. GET only shows a button: mail scanners fetch every
    // link, and must not spend it. The page is in the language the email was written in.
    scope.get<{ Params: { messageId: string; token: string } }>(
      '/family/link/:messageId/:token',
      { config: { access: 'public' } },
      async (request, reply) => {
        const link = `${request.params.messageId}/${request.params.token}`;
        const found = await findEmailLink(db, link);
        if (!found) return reply.redirect('/family/sign-in?notice=link-expired', 303);
        const t = familyTranslator((request.query as { lang?: string }).lang ?? found.language);
        return sendFamilyPage(reply, {
          t,
          title: t.t('link.title'),
          path: `/family/link/${link}`,
          main: html`<h1>${t.t('link.title')}</h1>
            <p>${t.t('link.intro')}</p>
            <form method="post" action="/family/link/${link}" class="stack">
              <p class="check"><input type="checkbox" id="remember" name="remember" value="1">
                <label for="remember">${t.t('signIn.remember')}</label></p>
              <button type="submit">${t.t('link.continue')}</button>
            </form>`,
        });
      },
    );

    scope.post<{ Params: { messageId: string; token: string } }>(
      '/family/link/:messageId/:token',
      { config: { access: 'public' } },
      async (request, reply) => {
        const remember = field(request.body, 'remember') === '1';
        try {
          const signedIn = await useEmailLink(db, {
            link: `${request.params.messageId}/${request.params.token}`,
            remember,
            userAgent: request.headers['user-agent'] ?? null,
            ip: request.ip,
          });
          startFamilySession(request, reply, signedIn);
          return reply.redirect('/family', 303);
        } catch (error) {
          if (!isAppError(error) || error.code !== 'UNAUTHENTICATED') throw error;
          return reply.redirect('/family/sign-in?notice=link-expired', 303);
        }
      },
    );

    scope.post('/family/sign-out', { config: { access: 'public' } }, async (request, reply) => {
      const token = readFamilyToken(request);
      if (token) await endFamilySession(db, token);
      setFamilyCookie(request, reply, null);
      return reply.redirect('/family/sign-in?notice=signed-out', 303);
    });

    // ---- signed in ---------------------------------------------------------------------------

    /** The translator for a signed-in page; a language just chosen is kept for the session. */
    const pageTranslator = async (request: FastifyRequest, reply: FastifyReply) => {
      const t = translatorFor(request, request.family);
      const chosen = (request.query as { lang?: string } | undefined)?.lang;
      if (chosen && chosen === t.language && request.family.language !== chosen) {
        await setSessionLanguage(db, request.family, chosen);
        rememberLanguage(reply, chosen, request.protocol === 'https');
      }
      return t;
    };

    scope.get<{ Querystring: { notice?: string; lang?: string } }>(
      '/family',
      { config: { access: 'family' } },
      async (request, reply) => {
        const t = await pageTranslator(request, reply);
        const principal = request.family;
        const children = await familyChildren(db, principal);
        const policy = await currentPolicy(db, principal.districtId, t.language);
        const policyUnsigned =
          policy !== null && (await signaturesOf(db, principal, policy.version)).length === 0;
        const main = html`<h1>${t.t('home.hello', { name: principal.guardians[0]?.firstName ?? '' })}</h1>
          ${policyUnsigned && policy ? html`<p class="notice"><a href="/family/policy">${t.t('home.policy', { title: policy.title })}</a></p>` : ''}
          ${
            children.length === 0
              ? html`<p class="empty">${t.t('home.none')}</p>`
              : html`<ul class="children">${children.map(
                  (child) => html`<li class="card child" aria-labelledby="child-${child.studentId}">
                  <h2 id="child-${child.studentId}">${child.name} ${child.lastName}</h2>
                  <p class="meta">${schoolLine(t, child)}</p>
                  ${plainWords(t, child)}
                  <p class="actions"><a class="button" href="/family/children/${child.studentId}">${t.t('home.seeMore', { name: child.name })}</a>
                    <a class="button secondary" href="/family/children/${child.studentId}/report">${t.t('home.report', { name: child.name })}</a></p>
                </li>`,
                )}</ul>`
          }`;
        return sendFamilyPage(reply, {
          t,
          principal,
          current: 'children',
          title: t.t('home.title'),
          path: '/family',
          notice: request.query.notice,
          main,
        });
      },
    );

    const child = (principal: FamilyPrincipal, studentId: string) => requireChild(db, principal, studentId);

    scope.get<{
      Params: { studentId: string };
      Querystring: { month?: string; notice?: string; lang?: string };
    }>('/family/children/:studentId', { config: { access: 'family' } }, async (request, reply) => {
      const t = await pageTranslator(request, reply);
      const principal = request.family;
      const found = await child(principal, request.params.studentId);
      const today = await districtToday(db, principal.districtId);
      const thisMonth = today.slice(0, 7);
      const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(request.query.month ?? '')
        ? (request.query.month as string)
        : thisMonth;
      const [days, trajectory, absences, todays] = await Promise.all([
        childCalendar(
          db,
          principal.districtId,
          found.studentId,
          `${month}-01`,
          addMonths(`${month}-01`, 1),
          today,
        ),
        childTrajectory(db, principal.districtId, found.studentId),
        recentAbsences(db, principal.districtId, found.studentId),
        childCalendar(db, principal.districtId, found.studentId, today, addDays(today, 1), today),
      ]);
      const absentToday = todays[0]?.status === 'absent' || todays[0]?.status === 'excused';
      const conference = await familyConferenceSlots(db, principal, found.studentId);
      const when = (at: Date) =>
        new Intl.DateTimeFormat(getLanguage(t.language as LanguageCode).intlLocale, {
          weekday: 'long',
          month: 'long',
          day: 'numeric',
          hour: 'numeric',
          minute: '2-digit',
          timeZone: found.timeZone,
        }).format(at);
      const base = `/family/children/${found.studentId}`;
      const previous = addMonths(`${month}-01`, -1).slice(0, 7);
      const next = addMonths(`${month}-01`, 1).slice(0, 7);
      const main = html`<h1>${found.name} ${found.lastName}</h1>
          <p class="meta">${schoolLine(t, found)}</p>
          ${
            absentToday
              ? html`<section class="card alert" aria-labelledby="today">
              <h2 id="today">${t.date(today, 'long')}</h2>
              <p>${t.t('child.day.absent')}: ${found.name}</p>
              <form method="post" action="${base}/at-school">${requestIdField()}<button type="submit">${t.t('child.atSchool', { name: found.name })}</button></form>
              <p><a href="${base}/report">${t.t('child.report')}</a></p>
            </section>`
              : ''
          }
          ${
            conference.booked
              ? html`<section class="card" aria-labelledby="conference"><h2 id="conference">${t.t('conference.title')}</h2>
              <p>${t.t('conference.booked', {
                name: found.name,
                when: when(conference.booked.startsAt),
                mode: t.t(`conference.mode.${conference.booked.mode}`),
                host: conference.booked.hostName,
              })}${conference.booked.location ? ` · ${conference.booked.location}` : ''}</p></section>`
              : conference.offered.length > 0
                ? html`<section class="card alert" aria-labelledby="conference"><h2 id="conference">${t.t('conference.title')}</h2>
              <p>${t.t('conference.intro', { name: found.name })}</p>
              <ul class="slots">${conference.offered.map(
                (slot) => html`<li><form method="post" action="${base}/conference">
                  <input type="hidden" name="slotId" value="${slot.slotId}">
                  <p><strong>${when(slot.startsAt)}</strong> · ${t.t(`conference.mode.${slot.mode}`)} · ${slot.hostName}${slot.location ? ` · ${slot.location}` : ''}</p>
                  <button type="submit">${t.t('conference.book')}<span class="visually-hidden">: ${when(slot.startsAt)}</span></button>
                </form></li>`,
              )}</ul></section>`
                : ''
          }
          <section aria-labelledby="year">
            <h2 id="year" class="visually-hidden">${t.t('child.trajectory', { name: found.name })}</h2>
            ${plainWords(t, found)}
            ${found.figures ? html`<p class="meta">${t.t('child.rate', { rate: percentOf(t, 1 - found.figures.rate) })}</p>` : ''}
            <p class="actions"><a class="button" href="${base}/report">${t.t('child.report')}</a>
              <a class="button secondary" href="${base}/survey">${t.t('child.survey', { name: found.name })}</a></p>
          </section>
          <section aria-labelledby="calendar">
            <h2 id="calendar">${t.t('child.calendar')}</h2>
            <nav class="months" aria-label="${t.t('child.calendar')}">
              <a href="${base}?month=${previous}" rel="prev">${t.t('child.previousMonth')}</a>
              ${next <= thisMonth ? html`<a href="${base}?month=${next}" rel="next">${t.t('child.nextMonth')}</a>` : ''}
            </nav>
            ${monthCalendar(t, month, days)}
            ${calendarLegend(t)}
          </section>
          <section aria-labelledby="trajectory">
            <h2 id="trajectory">${t.t('child.trajectory', { name: found.name })}</h2>
            ${trajectoryChart(
              trajectory.map((point) => ({ asOf: point.asOf, rate: 1 - point.rate })),
              {
                title: t.t('child.trajectory', { name: found.name }),
                line: '90%',
                caption: t.t('child.trajectoryLine'),
                tableCaption: t.t('child.trajectoryTable'),
                dateHeader: t.t('child.trajectoryDate'),
                rateHeader: t.t('child.trajectoryRate'),
                empty: t.t('child.noFigures', { name: found.name }),
                formatDate: (date) => t.date(date, 'short'),
                formatRate: (rate) => percentOf(t, rate),
              },
            )}
          </section>
          <section aria-labelledby="recent">
            <h2 id="recent">${t.t('child.recent')}</h2>
            ${
              absences.length === 0
                ? html`<p class="empty">${t.t('child.recentNone')}</p>`
                : html`<ul class="absences">${absences.map(
                    (
                      absence,
                    ) => html`<li><strong>${t.date(absence.date, 'long')}</strong> — ${t.t(absence.wholeDay ? (absence.excused ? 'child.day.excused' : 'child.day.absent') : 'child.day.partial')}.
                    ${absence.reason && absence.reason !== 'unknown' ? t.t('child.reason', { reason: t.t(`reason.${absence.reason}` as FamilyMessageKey) }) : t.t('child.reasonUnknown')}</li>`,
                  )}</ul>`
            }
          </section>`;
      return sendFamilyPage(reply, {
        t,
        principal,
        current: 'children',
        title: `${found.name} ${found.lastName}`,
        path: `${base}?month=${month}`,
        notice: request.query.notice,
        main,
      });
    });

    scope.post<{ Params: { studentId: string } }>(
      '/family/children/:studentId/at-school',
      { config: { access: 'family' } },
      async (request, reply) => {
        const t = translatorFor(request, request.family);
        const result = await answerAtSchool(db, request.family, {
          studentId: request.params.studentId,
          requestId: field(request.body, 'requestId'),
        });
        return redirectWithNotice(
          reply,
          `/family/children/${request.params.studentId}`,
          t.t('report.sent', { name: result.childName }),
        );
      },
    );

    scope.post<{ Params: { studentId: string } }>(
      '/family/children/:studentId/conference',
      { config: { access: 'family' } },
      async (request, reply) => {
        const t = translatorFor(request, request.family);
        const found = await child(request.family, request.params.studentId);
        const slotId = field(request.body, 'slotId');
        try {
          if (!/^[0-9a-f-]{36}$/.test(slotId))
            throw new AppError('CONFLICT', { message: 'No such time.', userMessageKey: 'conference.gone' });
          await bookConferenceSlot(db, request.family, found.studentId, slotId);
          return redirectWithNotice(
            reply,
            `/family/children/${found.studentId}`,
            t.t('conference.bookedNotice'),
          );
        } catch (error) {
          if (!isAppError(error) || error.code !== 'CONFLICT') throw error;
          return redirectWithNotice(reply, `/family/children/${found.studentId}`, t.t('conference.gone'));
        }
      },
    );

    const reportForm = (
      t: FamilyTranslator,
      found: FamilyChild,
      today: string,
      values: Form,
      error?: string,
    ): SafeHtml => html`<h1>${t.t('report.title')}</h1>
      <p>${t.t('report.for', { name: `${found.name} ${found.lastName}` })}</p>
      ${errorBox(error)}
      <form method="post" action="/family/children/${found.studentId}/report" class="stack" enctype="multipart/form-data" novalidate>
        ${requestIdField()}
        <fieldset><legend>${t.t('report.kind')}</legend>
          ${REPORT_KINDS.map(
            (
              kind,
            ) => html`<p class="check"><input type="radio" id="kind-${kind}" name="kind" value="${kind}"${(values.kind ?? 'absent') === kind ? html` checked` : ''}>
            <label for="kind-${kind}">${t.t(`report.kind.${kind}` as FamilyMessageKey)}</label></p>`,
          )}
        </fieldset>
        <label for="date">${t.t('report.date')}</label>
        <input id="date" name="date" type="date" required min="${today}" max="${addDays(today, 60)}" value="${values.date ?? today}" dir="ltr">
        <label for="until">${t.t('report.until')}</label>
        <input id="until" name="until" type="date" min="${today}" max="${addDays(today, 81)}" value="${values.until ?? ''}" dir="ltr">
        <label for="time">${t.t('report.time')}</label>
        <input id="time" name="time" type="time" value="${values.time ?? ''}" dir="ltr">
        <label for="reason">${t.t('report.reason')}</label>
        <select id="reason" name="reason" required>${options(FAMILY_REASONS, (reason) => t.t(`reason.${reason}` as FamilyMessageKey), values.reason ?? 'illness')}</select>
        <label for="barrier">${t.t('report.barrier')}</label>
        <select id="barrier" name="barrier"><option value="">${t.t('report.barrier.none')}</option>${options(
          Object.keys(FAMILY_BARRIERS) as FamilyBarrier[],
          (barrier) => t.t(`barrier.${barrier}` as FamilyMessageKey),
          values.barrier ?? '',
        )}</select>
        <label for="note">${t.t('report.note')}</label>
        <textarea id="note" name="note" rows="3" maxlength="1000">${values.note ?? ''}</textarea>
        <label for="photo">${t.t('report.photo')}</label>
        <p class="hint" id="photo-hint">${t.t('report.photoHint')}</p>
        <input id="photo" name="photo" type="file" accept="image/*,application/pdf" aria-describedby="photo-hint">
        <button type="submit">${t.t('report.send')}</button>
      </form>`;

    /**
     * A form about one child (`/family/children/:studentId/<page>`): GET shows it; POST does
     * `act` and goes back to the child's page with its notice, or shows the form again with what
     * was typed and what is wrong. Another family's child is not found.
     */
    const childFormPage = (page: {
      readonly page: string;
      readonly title: FamilyMessageKey;
      readonly render: (
        request: FastifyRequest,
        t: FamilyTranslator,
        found: FamilyChild,
        values: Form,
        error?: string,
      ) => Promise<SafeHtml>;
      readonly act: (
        request: FastifyRequest,
        t: FamilyTranslator,
        found: FamilyChild,
        form: Form,
      ) => Promise<string>;
    }) => {
      const show = (
        request: FastifyRequest,
        reply: FastifyReply,
        t: FamilyTranslator,
        found: FamilyChild,
        main: SafeHtml,
        status = 200,
      ) =>
        sendFamilyPage(reply, {
          t,
          principal: request.family,
          current: 'children',
          title: t.t(page.title),
          path: `/family/children/${found.studentId}/${page.page}`,
          status,
          main,
        });
      scope.get<{ Params: { studentId: string }; Querystring: { lang?: string } }>(
        `/family/children/:studentId/${page.page}`,
        { config: { access: 'family' } },
        async (request, reply) => {
          const t = await pageTranslator(request, reply);
          const found = await child(request.family, request.params.studentId);
          return show(request, reply, t, found, await page.render(request, t, found, {}));
        },
      );
      scope.post<{ Params: { studentId: string } }>(
        `/family/children/:studentId/${page.page}`,
        { config: { access: 'family' } },
        async (request, reply) => {
          const t = translatorFor(request, request.family);
          const found = await child(request.family, request.params.studentId);
          const form = (request.body ?? {}) as Form;
          try {
            const notice = await page.act(request, t, found, form);
            return redirectWithNotice(reply, `/family/children/${found.studentId}`, notice);
          } catch (error) {
            if (!isAppError(error) || error.code !== 'INVALID_INPUT') throw error;
            return show(
              request,
              reply,
              t,
              found,
              await page.render(request, t, found, form, errorText(t, error)),
              400,
            );
          }
        },
      );
    };

    childFormPage({
      page: 'report',
      title: 'report.title',
      render: async (request, t, found, values, error) =>
        reportForm(t, found, await districtToday(db, request.family.districtId), values, error),
      act: async (request, t, found, form) => {
        const result = await reportAbsence(db, queue, request.family, {
          studentId: found.studentId,
          requestId: field(form, 'requestId'),
          kind: field(form, 'kind') as 'absent',
          date: field(form, 'date'),
          until: field(form, 'until') || undefined,
          time: field(form, 'time') || undefined,
          reason: field(form, 'reason'),
          barrier: field(form, 'barrier') || undefined,
          note: field(form, 'note'),
          photo: Buffer.isBuffer((form as Record<string, unknown>).photo)
            ? ((form as Record<string, unknown>).photo as Buffer)
            : undefined,
        });
        return t.t('report.sent', { name: result.childName });
      },
    });

    const surveyForm = (
      t: FamilyTranslator,
      found: FamilyChild,
      values: Form,
      error?: string,
    ): SafeHtml => html`<h1>${t.t('survey.title')}</h1>
      <p>${t.t('survey.intro')}</p>
      ${errorBox(error)}
      <form method="post" action="/family/children/${found.studentId}/survey" class="stack" novalidate>
        ${requestIdField()}
        <fieldset><legend>${t.t('survey.score', { name: found.name })}</legend>
          <p class="hint" id="score-hint">${t.t('survey.scoreHint')}</p>
          <div class="scale">${Array.from({ length: 10 }, (_, index) => String(index + 1)).map(
            (
              score,
            ) => html`<span class="check"><input type="radio" id="score-${score}" name="score" value="${score}" aria-describedby="score-hint"${values.score === score ? html` checked` : ''}>
            <label for="score-${score}">${t.number(Number(score))}</label></span>`,
          )}</div>
        </fieldset>
        ${(['going_well', 'hard', 'help'] as const).map(
          (
            question,
          ) => html`<label for="${question}">${t.t(`survey.${question}`, { name: found.name })}</label>
          <textarea id="${question}" name="${question}" rows="3" maxlength="1000" dir="auto">${values[question] ?? ''}</textarea>`,
        )}
        <button type="submit">${t.t('survey.send')}</button>
      </form>`;

    childFormPage({
      page: 'survey',
      title: 'survey.title',
      render: async (_request, t, found, values, error) => surveyForm(t, found, values, error),
      act: async (request, t, found, form) => {
        const scoreText = field(form, 'score');
        checkRequestId(field(form, 'requestId'));
        await recordSurveyResponse(db, {
          districtId: request.family.districtId,
          contactId: request.family.guardians[0]?.contactId as string,
          studentId: found.studentId,
          channel: 'portal',
          score: scoreText === '' ? null : Number(scoreText),
          answers: {
            going_well: field(form, 'going_well'),
            hard: field(form, 'hard'),
            help: field(form, 'help'),
          },
          language: t.language,
          sourceId: `portal:${field(form, 'requestId')}`,
        });
        return t.t('survey.sent');
      },
    });

    const childChoice = (
      t: FamilyTranslator,
      children: readonly FamilyChild[],
      label: FamilyMessageKey,
      selected: string,
      optional: boolean,
    ) =>
      children.length === 1 && !optional
        ? html`<input type="hidden" name="studentId" value="${children[0]?.studentId}">`
        : html`<label for="studentId">${t.t(label)}</label>
        <select id="studentId" name="studentId">${optional ? html`<option value="">—</option>` : ''}${children.map(
          (c) =>
            html`<option value="${c.studentId}"${c.studentId === selected ? html` selected` : ''}>${c.name} ${c.lastName}</option>`,
        )}</select>`;

    /**
     * A page with one form, signed in: GET shows it; POST does `act` and redirects back with its
     * notice, or, when the input is wrong, shows the page again with what was typed and why.
     */
    const formPage = (page: {
      readonly path: string;
      readonly current: FamilySection;
      readonly title: FamilyMessageKey;
      readonly render: (
        request: FastifyRequest,
        t: FamilyTranslator,
        values: Form | undefined,
        error: string | undefined,
      ) => Promise<SafeHtml>;
      /** Does what the form asks; returns the notice, in the translator it returns. */
      readonly act: (
        request: FastifyRequest,
        reply: FastifyReply,
        form: Form,
      ) => Promise<{ t: FamilyTranslator; notice: FamilyMessageKey; query?: Record<string, string> }>;
    }) => {
      const send = async (
        request: FastifyRequest,
        reply: FastifyReply,
        t: FamilyTranslator,
        values?: Form,
        error?: string,
      ) =>
        sendFamilyPage(reply, {
          t,
          principal: request.family,
          current: page.current,
          title: t.t(page.title),
          path: page.path,
          notice: (request.query as { notice?: string }).notice,
          status: error ? 400 : 200,
          main: await page.render(request, t, values, error),
        });
      scope.get<{ Querystring: { notice?: string; lang?: string } }>(
        page.path,
        { config: { access: 'family' } },
        async (request, reply) => send(request, reply, await pageTranslator(request, reply)),
      );
      scope.post(page.path, { config: { access: 'family' } }, async (request, reply) => {
        const form = (request.body ?? {}) as Form;
        try {
          const { t, notice, query } = await page.act(request, reply, form);
          const path = query ? `${page.path}?${new URLSearchParams(query)}` : page.path;
          return redirectWithNotice(reply, path, t.t(notice));
        } catch (error) {
          if (!isAppError(error) || (error.code !== 'INVALID_INPUT' && error.code !== 'CONFLICT'))
            throw error;
          const t = translatorFor(request, request.family);
          return send(request, reply, t, form, errorText(t, error));
        }
      });
    };

    formPage({
      path: '/family/messages',
      current: 'messages',
      title: 'messages.title',
      render: async (request, t, form, error) => {
        const values = form ?? {};
        const principal = request.family;
        const [items, children] = await Promise.all([
          familyConversation(db, principal),
          familyChildren(db, principal),
        ]);
        return html`<h1>${t.t('messages.title')}</h1>
        <p>${t.t('messages.intro')}</p>
        ${
          items.length === 0
            ? html`<p class="empty">${t.t('messages.none')}</p>`
            : html`<ol class="conversation">${items.map(
                (item) => html`<li class="${item.direction === 'in' ? 'from-family' : 'from-school'}">
                <p class="meta">${item.direction === 'in' ? t.t('messages.fromYou') : t.t('messages.fromSchool')} · ${t.date(item.at.toISOString().slice(0, 10), 'short')}${item.studentName ? ` · ${item.studentName}` : ''}</p>
                <p dir="auto">${item.body}</p></li>`,
              )}</ol>`
        }
        <h2 id="write">${t.t('messages.write')}</h2>
        ${errorBox(error)}
        <form method="post" action="/family/messages" class="stack" novalidate aria-labelledby="write">
          ${requestIdField()}
          ${children.length > 0 ? childChoice(t, children, 'messages.about', values.studentId ?? '', true) : ''}
          <label for="text">${t.t('messages.text')}</label>
          <textarea id="text" name="text" rows="4" maxlength="1000" required dir="auto"${error ? html` aria-invalid="true" aria-describedby="form-error"` : ''}>${values.text ?? ''}</textarea>
          <button type="submit">${t.t('messages.send')}</button>
        </form>`;
      },
      act: async (request, _reply, form) => {
        await writeToSchool(db, queue, request.family, {
          studentId: field(form, 'studentId') || undefined,
          requestId: field(form, 'requestId'),
          text: field(form, 'text'),
        });
        return { t: translatorFor(request, request.family), notice: 'messages.sent' };
      },
    });

    formPage({
      path: '/family/help',
      current: 'help',
      title: 'help.title',
      render: async (request, t, form, error) => {
        const values = form ?? {};
        const children = await familyChildren(db, request.family);
        const asked = (request.query as { barrier?: string }).barrier;
        const resources =
          !form && asked && asked in FAMILY_BARRIERS
            ? await resourcesFor(db, request.family.districtId, asked, t.language)
            : [];
        const help =
          resources.length > 0
            ? html`<section class="card" aria-labelledby="resources"><h2 id="resources">${t.t('help.resourcesTitle')}</h2>
            <p>${t.t('help.resourcesIntro')}</p>
            <ul class="resources">${resources.map(
              (resource) => html`<li><strong>${resource.name}</strong><br>${resource.description}
              ${resource.address ? html`<br>${resource.address}` : ''}
              ${resource.phone ? html`<br><a href="tel:${resource.phone.replace(/[^+\d]/g, '')}">${t.t('help.call', { phone: resource.phone })}</a>` : ''}
              ${resource.url ? html` · <a href="${resource.url}" rel="noopener noreferrer">${t.t('help.website')}</a>` : ''}</li>`,
            )}</ul></section>`
            : '';
        return html`<h1>${t.t('help.title')}</h1>
        <p>${t.t('help.intro')}</p>
        ${help}
        ${errorBox(error)}
        ${
          children.length === 0
            ? html`<p class="empty">${t.t('home.none')}</p>`
            : html`<form method="post" action="/family/help" class="stack" novalidate>
          ${requestIdField()}
          ${childChoice(t, children, 'help.for', values.studentId ?? '', false)}
          <fieldset><legend>${t.t('help.barrier')}</legend>
            ${(Object.keys(FAMILY_BARRIERS) as FamilyBarrier[]).map(
              (
                barrier,
              ) => html`<p class="check"><input type="radio" id="barrier-${barrier}" name="barrier" value="${barrier}"${values.barrier === barrier ? html` checked` : ''} required>
              <label for="barrier-${barrier}">${t.t(`barrier.${barrier}` as FamilyMessageKey)}</label></p>`,
            )}
          </fieldset>
          <label for="note">${t.t('help.note')}</label>
          <textarea id="note" name="note" rows="3" maxlength="1000" dir="auto">${values.note ?? ''}</textarea>
          <button type="submit">${t.t('help.send')}</button>
        </form>`
        }`;
      },
      act: async (request, _reply, form) => {
        await askForHelp(db, queue, request.family, {
          studentId: field(form, 'studentId'),
          requestId: field(form, 'requestId'),
          barrier: field(form, 'barrier'),
          note: field(form, 'note'),
        });
        return {
          t: translatorFor(request, request.family),
          notice: 'help.sent',
          query: { barrier: field(form, 'barrier') },
        };
      },
    });

    formPage({
      path: '/family/policy',
      current: 'children',
      title: 'policy.title',
      render: async (request, t, form, error) => {
        const policy = await currentPolicy(db, request.family.districtId, t.language);
        if (!policy) return html`<h1>${t.t('policy.title')}</h1><p class="empty">${t.t('policy.none')}</p>`;
        const signatures = await signaturesOf(db, request.family, policy.version);
        const unsigned = request.family.guardians.filter(
          (g) => !signatures.some((s) => s.contactId === g.contactId),
        );
        const values = form ?? {};
        return html`<h1>${policy.title}</h1>
          ${policy.translated ? '' : html`<p class="notice">${t.t('policy.translationNote')}</p>`}
          <div class="policy" lang="${policy.language}" dir="${policy.language === 'ar' ? 'rtl' : 'ltr'}">${policy.body
            .split(/\n{2,}/)
            .map((paragraph) => html`<p>${paragraph}</p>`)}</div>
          ${signatures.map(
            (signature) =>
              html`<p class="celebrate">${t.t('policy.signedOn', { name: signature.signedName, date: t.date(signature.signedAt.toISOString().slice(0, 10), 'long') })}</p>`,
          )}
          ${
            unsigned.length > 0
              ? html`${errorBox(error)}
          <form method="post" action="/family/policy" class="stack" novalidate>
            <input type="hidden" name="version" value="${policy.version}">
            ${
              unsigned.length > 1
                ? html`<label for="contactId">${t.t('policy.signer')}</label>
              <select id="contactId" name="contactId">${unsigned.map(
                (g) =>
                  html`<option value="${g.contactId}"${values.contactId === g.contactId ? html` selected` : ''}>${g.firstName} ${g.lastName}</option>`,
              )}</select>`
                : html`<input type="hidden" name="contactId" value="${unsigned[0]?.contactId}">`
            }
            <p class="check"><input type="checkbox" id="agree" name="agree" value="1"${values.agree === '1' ? html` checked` : ''}>
              <label for="agree">${t.t('policy.agree')}</label></p>
            <label for="signedName">${t.t('policy.name')}</label>
            <input id="signedName" name="signedName" type="text" autocomplete="name" value="${values.signedName ?? ''}" dir="auto">
            <button type="submit">${t.t('policy.sign')}</button>
          </form>`
              : ''
          }`;
      },
      act: async (request, _reply, form) => {
        const t = translatorFor(request, request.family);
        await signPolicy(db, request.family, {
          version: Number(field(form, 'version')),
          contactId: field(form, 'contactId'),
          signedName: field(form, 'signedName'),
          agreed: field(form, 'agree') === '1',
          language: t.language,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
        });
        return { t, notice: 'policy.signed' };
      },
    });

    formPage({
      path: '/family/settings',
      current: 'settings',
      title: 'settings.title',
      render: async (request, t, form, error) => {
        const saved = await loadPreferences(db, request.family);
        const language = form?.language ?? saved.language;
        const channel = form?.channel ?? saved.channel;
        const newsChannel = form ? form.newsChannel || 'same' : (saved.newsChannel ?? 'same');
        const consents = form ? CONSENT_CHANNELS.filter((c) => form[`consent-${c}`] === '1') : saved.consents;
        const children = await familyChildren(db, request.family);
        const routing = form ? routingOf(form) : saved.routing;
        return html`<h1>${t.t('settings.title')}</h1>
        ${errorBox(error)}
        <form method="post" action="/family/settings" class="stack" novalidate>
          <label for="language">${t.t('settings.language')}</label>
          <select id="language" name="language">${LANGUAGES.map(
            (l) =>
              html`<option value="${l.code}" lang="${l.code}"${l.code === language ? html` selected` : ''}>${l.nativeName}</option>`,
          )}</select>
          <fieldset><legend>${t.t('settings.channel')}</legend>
            ${PREFERRED_CHANNELS.map(
              (
                c,
              ) => html`<p class="check"><input type="radio" id="channel-${c}" name="channel" value="${c}"${c === channel ? html` checked` : ''}>
              <label for="channel-${c}">${t.t(`settings.channel.${c}` as FamilyMessageKey)}</label></p>`,
            )}
          </fieldset>
          <fieldset><legend>${t.t('settings.newsChannel')}</legend>
            ${(['same', ...PREFERRED_CHANNELS] as const).map(
              (
                c,
              ) => html`<p class="check"><input type="radio" id="news-${c}" name="newsChannel" value="${c}"${c === newsChannel ? html` checked` : ''}>
              <label for="news-${c}">${c === 'same' ? t.t('settings.newsChannel.same') : t.t(`settings.channel.${c}`)}</label></p>`,
            )}
          </fieldset>
          <fieldset><legend>${t.t('settings.quiet')}</legend>
            <p class="hint" id="quiet-hint">${t.t('settings.quietHint')}</p>
            <p class="inline"><label for="windowStart">${t.t('settings.quietFrom')}</label>
            <input id="windowStart" name="windowStart" type="time" value="${form?.windowStart ?? saved.windowStart ?? ''}" aria-describedby="quiet-hint" dir="ltr">
            <label for="windowEnd">${t.t('settings.quietTo')}</label>
            <input id="windowEnd" name="windowEnd" type="time" value="${form?.windowEnd ?? saved.windowEnd ?? ''}" aria-describedby="quiet-hint" dir="ltr"></p>
          </fieldset>
          <fieldset><legend>${t.t('settings.consent')}</legend>
            <p class="hint">${t.t('settings.consentHint')}</p>
            ${CONSENT_CHANNELS.map(
              (
                c,
              ) => html`<p class="check"><input type="checkbox" id="consent-${c}" name="consent-${c}" value="1"${consents.includes(c) ? html` checked` : ''}>
              <label for="consent-${c}">${t.t(`settings.consent.${c}` as FamilyMessageKey)}</label></p>`,
            )}
          </fieldset>
          ${
            children.length > 0
              ? html`<fieldset><legend>${t.t('settings.routing')}</legend>
            <p class="hint">${t.t('settings.routingHint')}</p>
            ${children.map((child) => {
              const route = routing.find((r) => r.studentId === child.studentId) ?? {
                alerts: true,
                other: true,
              };
              return html`<input type="hidden" name="children" value="${child.studentId}">
              <p class="check"><input type="checkbox" id="alerts-${child.studentId}" name="alerts-${child.studentId}" value="1"${route.alerts ? html` checked` : ''}>
              <label for="alerts-${child.studentId}">${t.t('settings.routing.alerts', { name: child.name })}</label></p>
              <p class="check"><input type="checkbox" id="other-${child.studentId}" name="other-${child.studentId}" value="1"${route.other ? html` checked` : ''}>
              <label for="other-${child.studentId}">${t.t('settings.routing.other', { name: child.name })}</label></p>`;
            })}
          </fieldset>`
              : ''
          }
          <button type="submit">${t.t('settings.save')}</button>
        </form>`;
      },
      act: async (request, reply, form) => {
        const language = LANGUAGES.some((l) => l.code === form.language) ? (form.language as string) : 'en';
        await savePreferences(db, request.family, {
          language,
          channel: field(form, 'channel') as 'sms',
          newsChannel:
            field(form, 'newsChannel') && field(form, 'newsChannel') !== 'same'
              ? (field(form, 'newsChannel') as 'sms')
              : null,
          windowStart: field(form, 'windowStart') || null,
          windowEnd: field(form, 'windowEnd') || null,
          consents: CONSENT_CHANNELS.filter((c) => form[`consent-${c}`] === '1'),
          routing: routingOf(form),
        });
        // The portal follows the language just chosen, now and on this device.
        await setSessionLanguage(db, request.family, language);
        rememberLanguage(reply, language, request.protocol === 'https');
        return { t: familyTranslator(language), notice: 'settings.saved' };
      },
    });
  });
}

/** The per-child choices of the settings form (each child listed in a hidden `children` field). */
function routingOf(form: Form): { studentId: string; alerts: boolean; other: boolean }[] {
  const listed = (form as Record<string, string | string[] | undefined>).children;
  const ids = (Array.isArray(listed) ? listed : listed ? [listed] : []).filter((id) =>
    /^[0-9a-f-]{36}$/.test(id),
  );
  return ids.map((studentId) => ({
    studentId,
    alerts: form[`alerts-${studentId}`] === '1',
    other: form[`other-${studentId}`] === '1',
  }));
}

/** Gives the browser the new session: a remembered one outlives the browser, the others do not. */
function startFamilySession(
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: { readonly token: string; readonly remember: boolean },
): void {
  setFamilyCookie(
    request,
    reply,
    signedIn.token,
    signedIn.remember ? REMEMBERED_SESSION_MS / 1000 : undefined,
  );
}

/** Without a job queue nothing can be sent: the sign-in answers 503 rather than pretend. */
function unavailableQueue(): never {
  throw new AppError('UNAVAILABLE', {
    message: 'Messages cannot be sent right now: try again in a few minutes.',
  });
}
