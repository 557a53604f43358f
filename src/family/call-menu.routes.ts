/**
 * The call-in menu (issue 8): a family who does not read calls the district's number and, on
 * the keypad, tells the school a child is sick today, will miss today for another reason, will
 * miss tomorrow, or that they need help. The caller is known by the number on file (as a code
 * proves it in the portal: whoever holds the phone gets its texts already); an unknown number
 * is told to call the school office, and nothing else. What they choose becomes the same
 * portal report or help request the staff inbox shows, so staff record it the same way.
 *
 * Point the district number's Voice webhook at PUBLIC_URL/webhooks/twilio/voice-inbound.
 */
import { createHash } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { speechLanguageOf } from '../messaging/content/languages.ts';
import { escapeXml, field, twiml, verifyTwilioRequest } from '../messaging/webhooks.routes.ts';
import { addDays } from '../platform/dates.ts';
import { AppError } from '../platform/errors.ts';
import type { AppDependencies } from '../platform/http/app.ts';
import { districtToday } from '../roster/district.repository.ts';
import { familyChildren } from './family.repository.ts';
import { askForHelp, reportAbsence } from './family-actions.service.ts';
import { type FamilyPrincipal, guardiansWithAddress } from './family-auth.service.ts';
import { familyTranslator } from './family-page.ts';

const PATH = '/webhooks/twilio/voice-inbound';

/** A request id derived from the call and the step, so a webhook Twilio retries records once. */
function requestIdOf(callSid: string, step: string): string {
  const hex = createHash('sha256').update(`${callSid}:${step}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function registerCallMenuRoutes(app: FastifyInstance, dependencies: AppDependencies): void {
  const { config } = dependencies;
  const db = dependencies.database.db;

  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 16_384 });

    scope.post<{ Querystring: { s?: string } }>(
      PATH,
      { config: { access: 'public' } },
      async (request, reply) => {
        const form = verifyTwilioRequest(config, request);
        const callSid = field(form, 'CallSid');
        const from = field(form, 'From');
        const to = field(form, 'To');
        if (!callSid || !from || !to) {
          throw new AppError('INVALID_INPUT', { message: 'A call needs CallSid, From and To.' });
        }
        const digits = (field(form, 'Digits') ?? '').trim();
        const { rows } = await sql<{ district_id: string }>`
        SELECT district_id FROM messaging_settings WHERE sms_number = ${to}`.execute(db);
        const districtId = rows[0]?.district_id;
        const guardians = districtId
          ? await guardiansWithAddress(db, districtId, { kind: 'phone', address: from })
          : [];
        const language = guardians[0]?.preferredLanguage ?? 'en';
        const t = familyTranslator(language);
        const voice = speechLanguageOf(t.language);
        const say = (text: string) => `<Say${voice ? ` language="${voice}"` : ''}>${escapeXml(text)}</Say>`;
        if (!districtId || guardians.length === 0) {
          // English and Spanish: we do not know who is calling.
          const es = familyTranslator('es');
          return twiml(
            reply,
            `<Say language="en-US">${escapeXml(familyTranslator('en').t('voice.unknown'))}</Say><Say language="es-US">${escapeXml(es.t('voice.unknown'))}</Say><Hangup/>`,
          );
        }
        const principal: FamilyPrincipal = {
          districtId,
          sessionId: `call:${callSid}`,
          address: { kind: 'phone', address: from },
          language,
          remember: false,
          guardians,
        };
        const children = (await familyChildren(db, principal)).slice(0, 9);
        const chosen = children.find((child) => child.studentId === request.query.s);
        const gather = (action: string, text: string) =>
          `<Gather numDigits="1" timeout="8" action="${escapeXml(`${config.PUBLIC_URL}${action}`)}" method="POST">${say(text)}</Gather>${say(t.t('voice.invalid'))}<Redirect method="POST">${escapeXml(`${config.PUBLIC_URL}${action}`)}</Redirect>`;

        // Step 1: which child (skipped when there is one).
        if (!chosen) {
          const picked = children.length === 1 ? children[0] : children[Number(digits) - 1];
          if (!picked) {
            const menu = children
              .map((child, index) => t.t('voice.chooseChild', { name: child.name, digit: index + 1 }))
              .join(' ');
            return twiml(reply, `${digits ? say(t.t('voice.invalid')) : ''}${gather(PATH, menu)}`);
          }
          return twiml(
            reply,
            gather(`${PATH}?s=${picked.studentId}`, t.t('voice.menu', { name: picked.name })),
          );
        }
        // Step 2: what is happening.
        const today = await districtToday(db, districtId);
        const choice = digits;
        if (choice === '1' || choice === '2' || choice === '3') {
          await reportAbsence(db, undefined, principal, {
            studentId: chosen.studentId,
            requestId: requestIdOf(callSid, `report:${chosen.studentId}`),
            kind: 'absent',
            date: choice === '3' ? addDays(today, 1) : today,
            reason: choice === '1' ? 'illness' : 'other',
            note: 'Reported by phone (keypad).',
          });
          return twiml(reply, `${say(t.t('voice.thanks'))}<Hangup/>`);
        }
        if (choice === '4') {
          await askForHelp(db, undefined, principal, {
            studentId: chosen.studentId,
            requestId: requestIdOf(callSid, `help:${chosen.studentId}`),
            barrier: 'other',
            note: 'Asked for help by phone (keypad).',
          });
          return twiml(reply, `${say(t.t('voice.thanks'))}<Hangup/>`);
        }
        return twiml(
          reply,
          `${choice ? say(t.t('voice.invalid')) : ''}${gather(`${PATH}?s=${chosen.studentId}`, t.t('voice.menu', { name: chosen.name }))}`,
        );
      },
    );
  });
}
