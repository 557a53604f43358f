/**
 * Sign-in links in email (issue 8): an email to a guardian who may use the portal ends with a
 * link that signs them in once, within 7 days. The link is added as the email leaves (through a
 * real SMTP server), never stored in the message or shown to staff; opening it changes nothing
 * until the family presses Continue (mail scanners fetch every link).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../test/support/database.ts';
import {
  addGuardian,
  type MessagingBench,
  outboxMessage,
  startMessagingBench,
} from '../../test/support/messaging.ts';
import { signInAs } from '../../test/support/sign-in.ts';

let bench: MessagingBench;
let counter = 0;
const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

beforeAll(async () => {
  bench = await startMessagingBench();
}, 120_000);

afterAll(async () => {
  await bench?.close();
});

/** Sends an email to a new guardian through the send job and the SMTP sink; returns the link path, if any. */
async function emailed(options: { category?: 'attendance_alert' | 'general' } = {}) {
  counter += 1;
  const email = `parent${counter}@example.org`;
  const guardian = await addGuardian(bench, { email, channel: 'email' });
  const messageId = await outboxMessage(bench, guardian, {
    channel: 'email',
    to: email,
    body: 'We missed Maria at school today. Is everything okay?',
    category: options.category ?? 'general',
  });
  await bench.run(messageId);
  const mail = bench.sink.messages.find((message) => message.envelope.to.includes(email));
  if (!mail) throw new Error('No email reached the SMTP server.');
  const path = /\/family\/link\/[0-9a-f-]{36}\/[0-9a-f-]{36}/.exec(mail.text ?? '')?.[0];
  return { guardian, messageId, mail, path, email };
}

describe(`sign-in links in email (${testEngine()})`, () => {
  it('ends an email with a one-time link that the stored message and the staff view never hold', async () => {
    const { guardian, messageId, mail, path } = await emailed();
    expect(mail.text).toContain(
      'See how your child is doing, tell us about an absence or write to us on your family page',
    );
    expect(path).toBeDefined();
    expect(mail.text).toContain(`${bench.config.PUBLIC_URL}${path}`);
    const stored = await sql<{
      body: string;
    }>`SELECT body FROM messages WHERE message_id = ${messageId}`.execute(bench.database.db);
    expect(stored.rows[0]?.body).not.toContain('/family/link/');
    const staff = await signInAs(bench.app, 'admin@riverside.example.org');
    const conversation = await bench.app.inject({
      method: 'GET',
      url: `/api/students/${guardian.studentId}/conversation`,
      headers: { cookie: staff },
    });
    expect(conversation.body).not.toContain('/family/link/');
  });

  it('signs the family in once: the page only asks, Continue spends the link, a second try is refused', async () => {
    const { guardian, path } = await emailed();
    const page = await bench.app.inject({
      method: 'GET',
      url: path as string,
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Open your family page');
    // Looking at the page (as a mail scanner does) spent nothing: Continue still works.
    const used = await bench.app.inject({
      method: 'POST',
      url: path as string,
      headers: FORM,
      payload: 'remember=1',
    });
    expect(used.statusCode).toBe(303);
    expect(used.headers.location).toBe('/family');
    expect(String(used.headers['set-cookie'])).toMatch(/homeroom_family=.*Max-Age=7776000/);
    const cookie = String(used.headers['set-cookie']).split(';')[0] as string;
    const home = await bench.app.inject({
      method: 'GET',
      url: '/family',
      headers: { cookie, accept: 'text/html' },
    });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(`/family/children/${guardian.studentId}`);

    const again = await bench.app.inject({ method: 'POST', url: path as string, headers: FORM, payload: '' });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/family/sign-in?notice=link-expired');
    const shown = await bench.app.inject({
      method: 'GET',
      url: path as string,
      headers: { accept: 'text/html' },
    });
    expect(shown.headers.location).toBe('/family/sign-in?notice=link-expired');
    const signInPage = await bench.app.inject({
      method: 'GET',
      url: '/family/sign-in?notice=link-expired',
      headers: { accept: 'text/html' },
    });
    expect(signInPage.body).toContain('This link has been used or has expired.');
  });

  it('refuses a link after 7 days, a forged token, and one whose guardian lost the right to the portal', async () => {
    const old = await emailed();
    await sql`UPDATE messages SET created_at = now() - interval '8 days' WHERE message_id = ${old.messageId}`.execute(
      bench.database.db,
    );
    const forged = (old.path as string).replace(/[0-9a-f]{12}$/, '000000000000');
    const revoked = await emailed();
    await sql`UPDATE student_contacts SET may_view_portal = false WHERE contact_id = ${revoked.guardian.contactId}`.execute(
      bench.database.db,
    );
    for (const path of [old.path as string, forged, revoked.path as string]) {
      const response = await bench.app.inject({ method: 'POST', url: path, headers: FORM, payload: '' });
      expect(response.headers.location, path).toBe('/family/sign-in?notice=link-expired');
      expect(response.headers['set-cookie'], path).toBeUndefined();
    }
  });

  it('adds no link to an email for a guardian without educational rights', async () => {
    counter += 1;
    const email = `noportal${counter}@example.org`;
    const guardian = await addGuardian(bench, { email, channel: 'email' });
    await sql`UPDATE student_contacts SET has_educational_rights = false WHERE contact_id = ${guardian.contactId}`.execute(
      bench.database.db,
    );
    const messageId = await outboxMessage(bench, guardian, {
      channel: 'email',
      to: email,
      category: 'general',
    });
    await bench.run(messageId);
    const mail = bench.sink.messages.find((message) => message.envelope.to.includes(email));
    expect(mail?.text).toBeDefined();
    expect(mail?.text).not.toContain('/family/link/');
  });
});
