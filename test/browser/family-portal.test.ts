/**
 * The family portal in Chromium, on a 360-pixel-wide phone, in English, Spanish and Arabic, as a
 * parent would use it: sign in with the code sent to their phone, read their child's year in
 * plain words, report an absence, write to the school, ask for help, and change their language
 * and what they receive. axe finds nothing serious on any page; nothing scrolls sideways;
 * Arabic is right to left; the pages load no script.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { pino } from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillHistory } from '../../src/attendance/attendance.service.ts';
import { seedDemoDistrict } from '../../src/demo/demo.service.ts';
import { DEMO_DISTRICT_ID } from '../../src/demo/demo-plan.ts';
import { familyTranslator } from '../../src/family/family-page.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { buildApp } from '../../src/platform/http/app.ts';
import { launchBrowser, screenshotPath, seriousViolations, sideways } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { RecordingQueue } from '../support/messaging.ts';
import { codeInMessage, signInAs } from '../support/sign-in.ts';

let database: TestDatabase;
let app: FastifyInstance;
let browser: Browser;
let baseUrl: string;
const queue = new RecordingQueue();
const PHONE = { width: 360, height: 740 };

interface Guardian {
  phone: string;
  contactId: string;
  studentId: string;
  childName: string;
}

/** Students whose guardians a test has already used: each test gets a family of its own. */
const taken: string[] = [];

/**
 * A guardian (with a phone of their own and a portal link) of a child with absences, in the
 * given language, sharing no child with a guardian another test used.
 */
async function guardianWithAbsences(language: string): Promise<Guardian> {
  const { rows } = await sql<{ phone_e164: string; contact_id: string; student_id: string; name: string }>`
    SELECT p.phone_e164, p.contact_id, sc.student_id, coalesce(s.preferred_name, s.first_name) AS name
    FROM contact_phones p
    JOIN student_contacts sc ON sc.district_id = p.district_id AND sc.contact_id = p.contact_id
    JOIN students s ON s.district_id = sc.district_id AND s.student_id = sc.student_id
    JOIN student_attendance a ON a.district_id = s.district_id AND a.student_id = s.student_id
    WHERE sc.may_view_portal AND sc.has_educational_rights AND sc.relationship <> 'emergency_contact'
      AND p.can_receive_sms AND a.absent_milli >= 3000
      AND (SELECT count(*) FROM contact_phones q WHERE q.district_id = p.district_id AND q.phone_e164 = p.phone_e164) = 1
      AND NOT EXISTS (SELECT 1 FROM student_contacts x WHERE x.district_id = p.district_id AND x.contact_id = p.contact_id
        AND x.student_id = ANY (${taken}::uuid[]))
    ORDER BY p.phone_e164 LIMIT 1`.execute(database.db);
  const row = rows[0];
  if (!row) throw new Error('The demo has no guardian of a child with absences left.');
  const guardians = await sql<{ student_id: string }>`SELECT DISTINCT y.student_id FROM student_contacts x
    JOIN student_contacts y ON y.district_id = x.district_id AND y.contact_id = x.contact_id
    WHERE x.district_id = ${DEMO_DISTRICT_ID} AND x.student_id IN (SELECT student_id FROM student_contacts
      WHERE district_id = ${DEMO_DISTRICT_ID} AND contact_id = ${row.contact_id})`.execute(database.db);
  // This guardian's children, and every child of any guardian of theirs (the other parent's, too).
  taken.push(...guardians.rows.map((c) => c.student_id));
  await sql`UPDATE contacts SET preferred_language = ${language}, reads_text = true
    WHERE district_id = ${DEMO_DISTRICT_ID} AND contact_id = ${row.contact_id}`.execute(database.db);
  return { phone: row.phone_e164, contactId: row.contact_id, studentId: row.student_id, childName: row.name };
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoDistrict(database.db, { seed: 11, students: 120, asOf: '2027-01-15' });
  await backfillHistory(database.db, DEMO_DISTRICT_ID, { asOf: '2027-01-15', everyDays: 14 });
  app = await buildApp({ config: loadConfig({}), database, logger: pino({ level: 'silent' }), queue });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await database?.close();
});

/** Checks a page as every portal page must be: accessible, no sideways scroll, no script. */
async function checkPage(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page), name).toEqual([]);
  expect(await sideways(page), `${name} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
  expect(await page.locator('script').count(), `${name} loads a script`).toBe(0);
  await page.screenshot({ path: screenshotPath(`family-${name}`), fullPage: true });
}

/** Signs in through the forms, reading the code the way the family's phone would. */
async function signIn(
  page: Page,
  guardian: Guardian,
  labels: { address: string; send: string; code: string; verify: string },
) {
  await page.goto(`${baseUrl}/family`);
  expect(new URL(page.url()).pathname).toBe('/family/sign-in');
  await page.getByLabel(labels.address).fill(guardian.phone.replace('+1', ''));
  await page.getByRole('button', { name: labels.send }).click();
  await page.waitForURL(/\/family\/sign-in\/code\?/);
  const codeId = new URL(page.url()).searchParams.get('c');
  const { rows } = await sql<{ body: string; language: string; channel: string }>`
    SELECT body, language, channel FROM messages WHERE dedupe_key = ${`sign-in:${codeId}`}`.execute(
    database.db,
  );
  expect(rows[0]?.channel).toBe('sms');
  await page.getByLabel(labels.code).fill(codeInMessage(rows[0]?.body ?? ''));
  await page.getByRole('button', { name: labels.verify }).click();
  await page.waitForURL(`${baseUrl}/family`);
  return rows[0];
}

async function newPhone(locale: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE, locale, isMobile: true, hasTouch: true });
  return { context, page: await context.newPage() };
}

describe('family portal in Chromium', () => {
  it('lets an English-speaking parent sign in, see the year, report an absence, write, ask for help and opt out', async () => {
    const guardian = await guardianWithAbsences('en');
    const { context, page } = await newPhone('en-US');
    await page.goto(`${baseUrl}/family/sign-in`);
    await checkPage(page, 'sign-in-en');
    const sent = await signIn(page, guardian, {
      address: 'Mobile phone number or email',
      send: 'Send me a code',
      code: '6-digit code',
      verify: 'Sign in',
    });
    expect(sent?.language).toBe('en');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/^Hello, /);
    await expect(page.locator('.child .big').first().textContent()).resolves.toMatch(
      /has missed [\d.]+ days? of school so far this year/,
    );
    await checkPage(page, 'home-en');

    await page.getByRole('link', { name: `See attendance for ${guardian.childName}` }).click();
    await page.waitForURL(/\/family\/children\/[0-9a-f-]{36}$/);
    await expect(page.locator('table.calendar caption').textContent()).resolves.toMatch(/\d{4}/);
    await page.getByRole('link', { name: 'Earlier month' }).click();
    await page.waitForURL(/month=/);
    await checkPage(page, 'child-en');

    await page.getByRole('link', { name: 'Report an absence or a late arrival' }).first().click();
    await page.getByLabel('Arriving late').check();
    await page.getByLabel('Why?').selectOption('medical');
    await page.getByLabel('Anything else the school should know? (optional)').fill('Dentist at 8, in by 10.');
    await page.getByLabel('A photo of a note (optional)').setInputFiles({
      name: 'note.png',
      mimeType: 'image/png',
      buffer: Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        Buffer.alloc(64),
      ]),
    });
    await checkPage(page, 'report-en');
    await page.getByRole('button', { name: 'Send to the school' }).click();
    await page.waitForURL(/notice=/);
    await expect(page.getByRole('status').textContent()).resolves.toBe(
      `Thank you. We told the school about ${guardian.childName}.`,
    );
    const reports = await sql<{
      intent: { intent: string; kind: string; reason: string; studentId: string };
    }>`
      SELECT intent FROM inbound_messages WHERE contact_id = ${guardian.contactId} AND channel = 'portal'`.execute(
      database.db,
    );
    const photos = await sql<{ content_type: string }>`SELECT a.content_type FROM inbound_attachments a
      JOIN inbound_messages i ON i.district_id = a.district_id AND i.inbound_id = a.inbound_id
      WHERE i.contact_id = ${guardian.contactId}`.execute(database.db);
    expect(photos.rows).toEqual([{ content_type: 'image/png' }]);
    expect(reports.rows.map((row) => row.intent)).toEqual([
      expect.objectContaining({
        intent: 'absence_reason',
        kind: 'late',
        reason: 'medical',
        studentId: guardian.studentId,
      }),
    ]);

    await page.getByRole('link', { name: 'Messages' }).click();
    await page.getByLabel('Your message').fill('Can we talk about the bus on Mondays?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.waitForURL(/notice=/);
    await expect(page.locator('.conversation .from-family').last().textContent()).resolves.toContain(
      'Can we talk about the bus on Mondays?',
    );
    await checkPage(page, 'messages-en');

    await page.getByRole('link', { name: 'Get help' }).click();
    await page.getByLabel('Getting to school (bus, car, distance)').check();
    await checkPage(page, 'help-en');
    await page.getByRole('button', { name: 'Ask for help' }).click();
    await page.waitForURL(/notice=/);
    const tasks = await sql<{ assignee_role: string }>`SELECT assignee_role FROM tasks
      WHERE student_id = ${guardian.studentId} AND source LIKE 'portal:%'`.execute(database.db);
    expect(tasks.rows).toEqual([{ assignee_role: 'counselor' }]);

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Text messages').uncheck();
    await checkPage(page, 'settings-en');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/notice=/);
    const consent = await sql<{ status: string; source: string }>`SELECT status, source FROM contact_consents
      WHERE contact_id = ${guardian.contactId} AND channel = 'sms'`.execute(database.db);
    expect(consent.rows).toEqual([{ status: 'opted_out', source: 'portal' }]);
    await expect(page.getByLabel('Text messages').isChecked()).resolves.toBe(false);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/family\/sign-in/);
    await page.goto(`${baseUrl}/family`);
    expect(new URL(page.url()).pathname).toBe('/family/sign-in');
    await context.close();
  });

  it('speaks Spanish to a Spanish-speaking parent, from the sign-in page to the code sent to their phone', async () => {
    const guardian = await guardianWithAbsences('es');
    const { context, page } = await newPhone('es-US');
    const sent = await signIn(page, guardian, {
      address: 'Número de celular o correo electrónico',
      send: 'Enviarme un código',
      code: 'Código de 6 dígitos',
      verify: 'Entrar',
    });
    expect(sent?.language).toBe('es');
    expect(sent?.body).toMatch(/^Su código para entrar/);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(page.locator('.child .big').first().textContent()).resolves.toMatch(/ha faltado/);
    await checkPage(page, 'home-es');
    await page.getByRole('link', { name: /Lea y firme la política de asistencia/ }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Política de asistencia de Riverside Unified',
    );
    await page.getByLabel('He leído la política de asistencia.').check();
    await page.getByLabel('Escriba su nombre completo para firmar').fill('Rosa Martínez');
    await checkPage(page, 'policy-es');
    await page.getByRole('button', { name: 'Firmar' }).click();
    await page.waitForURL(/notice=/);
    await expect(page.locator('.celebrate').textContent()).resolves.toMatch(/^Firmado por Rosa Martínez el /);
    await page.getByRole('link', { name: 'Mis hijos' }).click();
    await page.getByRole('link', { name: `Avisar de una ausencia de ${guardian.childName}` }).click();
    await page.getByLabel('Fecha', { exact: true }).fill('2020-01-01');
    await page.getByRole('button', { name: 'Enviar a la escuela' }).click();
    // A date in the past is refused in Spanish, and what was chosen is kept.
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'Elija una fecha desde hoy hasta 60 días después.',
    );
    await expect(page.getByLabel('Fecha', { exact: true }).inputValue()).resolves.toBe('2020-01-01');
    await checkPage(page, 'report-error-es');
    await context.close();
  });

  it('writes Arabic right to left, and keeps a language chosen in the settings', async () => {
    const guardian = await guardianWithAbsences('ar');
    const { context, page } = await newPhone('ar');
    await page.goto(`${baseUrl}/family/sign-in`);
    await expect(page.locator('html').getAttribute('dir')).resolves.toBe('rtl');
    await checkPage(page, 'sign-in-ar');
    const sent = await signIn(page, guardian, {
      address: 'رقم الهاتف المحمول أو البريد الإلكتروني',
      send: 'أرسلوا لي رمزًا',
      code: 'الرمز المكوَّن من 6 أرقام',
      verify: 'دخول',
    });
    expect(sent?.language).toBe('ar');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('ar');
    await checkPage(page, 'home-ar');
    await page.getByRole('link', { name: `عرض حضور ${guardian.childName}` }).click();
    await page.waitForURL(/\/family\/children\//);
    // Right to left: the first calendar column (Monday) is at the right edge.
    const [first, last] = await page
      .locator('table.calendar thead th')
      .evaluateAll((cells) => [
        cells[0]?.getBoundingClientRect().left ?? 0,
        cells[6]?.getBoundingClientRect().left ?? 0,
      ]);
    expect(first).toBeGreaterThan(last as number);
    await checkPage(page, 'child-ar');
    await page.getByRole('link', { name: `أخبرونا كيف تسير الدراسة مع ${guardian.childName}` }).click();
    await page.getByLabel('8', { exact: true }).check();
    await page.getByLabel('ما الذي يمكن أن تفعله المدرسة للمساعدة؟').fill('حافلة أبكر في الصباح');
    await checkPage(page, 'survey-ar');
    await page.getByRole('button', { name: 'إرسال إجاباتي' }).click();
    await page.waitForURL(/notice=/);
    await expect(page.getByRole('status').textContent()).resolves.toBe('شكرًا لكم على إخبارنا.');

    await page.getByRole('link', { name: 'الإعدادات' }).click();
    await page.getByLabel('لغة الرسائل وهذا الموقع').selectOption('es');
    await page.getByRole('button', { name: 'حفظ' }).click();
    await page.waitForURL(/notice=/);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(page.getByRole('status').textContent()).resolves.toBe('Sus preferencias se guardaron.');
    const stored = await sql<{ preferred_language: string }>`SELECT preferred_language FROM contacts
      WHERE contact_id = ${guardian.contactId}`.execute(database.db);
    expect(stored.rows[0]?.preferred_language).toBe('es');
    await context.close();
  });

  it("shows a parent who opens another family's child a page that is not found, in their language", async () => {
    const guardian = await guardianWithAbsences('es');
    const other = await guardianWithAbsences('en');
    const { context, page } = await newPhone('es-US');
    await signIn(page, guardian, {
      address: 'Número de celular o correo electrónico',
      send: 'Enviarme un código',
      code: 'Código de 6 dígitos',
      verify: 'Entrar',
    });
    const response = await page.goto(`${baseUrl}/family/children/${other.studentId}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Algo salió mal');
    await expect(page.locator('main').textContent()).resolves.not.toContain(other.childName);
    await context.close();
  });

  it("brings a family's report to the staff inbox, where one form records it in the attendance record", async () => {
    const guardian = await guardianWithAbsences('en');
    const family = await newPhone('en-US');
    await signIn(family.page, guardian, {
      address: 'Mobile phone number or email',
      send: 'Send me a code',
      code: '6-digit code',
      verify: 'Sign in',
    });
    await family.page.getByRole('link', { name: `Report an absence for ${guardian.childName}` }).click();
    const date = await family.page.getByLabel('Date', { exact: true }).inputValue();
    await family.page.getByLabel('Why?').selectOption('illness');
    await family.page
      .getByLabel('Anything else the school should know? (optional)')
      .fill('Fever since last night.');
    await family.page.getByRole('button', { name: 'Send to the school' }).click();
    await family.page.waitForURL(/notice=/);
    await family.context.close();

    const staff = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await staff.newPage();
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email').fill('attendance.lead@riverside.example.org');
    await page.getByLabel('Password').fill('homeroom-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/dashboard`);
    await page.getByRole('link', { name: 'Inbox' }).click();
    const card = page.locator('li.card', { hasText: 'Fever since last night.' });
    await expect(card.locator('.meta').first().textContent()).resolves.toContain('reports an absence');
    await expect(card.getByLabel('Date').inputValue()).resolves.toBe(date);
    await expect(card.getByLabel('Reason').inputValue()).resolves.toBe('illness');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('staff-inbox'), fullPage: true });
    await card.getByLabel('Excused').check();
    await card.getByRole('button', { name: /^Record absence/ }).click();
    await page.waitForURL(/notice=/);
    await expect(page.getByRole('status').textContent()).resolves.toBe(
      `Recorded an excused absence on ${date} (illness).`,
    );
    const { rows } = await sql<{ category: string; reason: string; source_system: string }>`
      SELECT category, reason, source_system FROM attendance_events
      WHERE student_id = ${guardian.studentId} AND date = ${date} AND source_system = 'family-reply'`.execute(
      database.db,
    );
    expect(rows).toEqual([{ category: 'excused_absence', reason: 'illness', source_system: 'family-reply' }]);
    await expect(page.locator('li.card', { hasText: 'Fever since last night.' }).count()).resolves.toBe(0);
    await staff.close();
  });

  // Every flow, in each of the three languages the issue names, with every label read from that
  // language's catalogue: a missing or broken translation fails here.
  for (const [language, locale] of [
    ['en', 'en-US'],
    ['es', 'es-US'],
    ['ar', 'ar'],
  ] as const) {
    it(`runs every family flow in ${language}: sign in, the year, policy, conference, report, survey, write, help, settings, sign out`, async () => {
      const t = familyTranslator(language);
      const guardian = await guardianWithAbsences(language);
      const lead = await signInAs(app, 'attendance.lead@riverside.example.org');
      const offered = await app.inject({
        method: 'POST',
        url: `/api/students/${guardian.studentId}/conference-slots`,
        headers: { cookie: lead },
        payload: {
          slots: [
            { startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), minutes: 20, mode: 'phone' },
          ],
        },
      });
      expect(offered.statusCode).toBe(201);
      const { context, page } = await newPhone(locale);
      await signIn(page, guardian, {
        address: t.t('signIn.address'),
        send: t.t('signIn.send'),
        code: t.t('signIn.code'),
        verify: t.t('signIn.verify'),
      });
      await expect(page.locator('html').getAttribute('dir')).resolves.toBe(language === 'ar' ? 'rtl' : 'ltr');
      await expect(page.locator('.child .big').first().textContent()).resolves.toBeTruthy();

      // The policy, from the home page's reminder.
      await page.locator('.notice a[href="/family/policy"]').click();
      await page.getByLabel(t.t('policy.agree')).check();
      await page.getByLabel(t.t('policy.name')).fill('Sam Parent');
      await page.getByRole('button', { name: t.t('policy.sign'), exact: true }).click();
      await expect(page.getByRole('status').textContent()).resolves.toBe(t.t('policy.signed'));

      // The child: book the conference, report an absence, answer the survey.
      await page.goto(`${baseUrl}/family/children/${guardian.studentId}`);
      await page.getByRole('button', { name: new RegExp(`^${t.t('conference.book')}`) }).click();
      await expect(page.getByRole('status').textContent()).resolves.toBe(t.t('conference.bookedNotice'));
      await checkPage(page, `flow-child-${language}`);
      await page
        .getByRole('link', { name: t.t('child.report') })
        .first()
        .click();
      await page.getByLabel(t.t('report.kind.late')).check();
      await page.getByLabel(t.t('report.reason')).selectOption('transport');
      await page.getByRole('button', { name: t.t('report.send') }).click();
      await expect(page.getByRole('status').textContent()).resolves.toBe(
        t.t('report.sent', { name: guardian.childName }),
      );
      await page.getByRole('link', { name: t.t('child.survey', { name: guardian.childName }) }).click();
      await page.getByLabel(t.number(9), { exact: true }).check();
      await page.getByRole('button', { name: t.t('survey.send') }).click();
      await expect(page.getByRole('status').textContent()).resolves.toBe(t.t('survey.sent'));

      // Write to the school, ask for help, change what this household gets.
      await page.getByRole('link', { name: t.t('nav.messages') }).click();
      await page.getByLabel(t.t('messages.text')).fill(`${language}: gracias / شكرا / thanks`);
      await page.getByRole('button', { name: t.t('messages.send'), exact: true }).click();
      await expect(page.getByRole('status').textContent()).resolves.toBe(t.t('messages.sent'));
      await page.getByRole('link', { name: t.t('nav.help') }).click();
      await page.getByLabel(t.t('barrier.transportation')).check();
      await page.getByRole('button', { name: t.t('help.send') }).click();
      await expect(page.getByRole('heading', { name: t.t('help.resourcesTitle') }).isVisible()).resolves.toBe(
        true,
      );
      await checkPage(page, `flow-help-${language}`);
      await page.getByRole('link', { name: t.t('nav.settings') }).click();
      await page.getByLabel(t.t('settings.routing.other', { name: guardian.childName })).uncheck();
      await page.getByRole('button', { name: t.t('settings.save') }).click();
      await expect(page.getByRole('status').textContent()).resolves.toBe(t.t('settings.saved'));

      const recorded = await sql<{ n: number }>`SELECT count(*)::int AS n FROM inbound_messages
        WHERE contact_id = ${guardian.contactId} AND channel = 'portal'`.execute(database.db);
      expect(recorded.rows[0]?.n).toBe(3);
      const survey = await sql<{
        score: number;
      }>`SELECT score FROM survey_responses WHERE contact_id = ${guardian.contactId}`.execute(database.db);
      expect(survey.rows).toEqual([{ score: 9 }]);
      await page.getByRole('button', { name: t.t('nav.signOut') }).click();
      await expect(page.getByRole('status').textContent()).resolves.toBe(t.t('signedOut'));
      await context.close();
    });
  }
});
