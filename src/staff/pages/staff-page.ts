/**
 * The frame of the staff pages: the signed-in member's navigation (what their roles open),
 * a notice after a form was sent, and the page's content. Pages are rendered on the server and
 * work without JavaScript (docs/decisions/0010).
 */
import type { FastifyReply } from 'fastify';
import type { Config } from '../../platform/config.ts';
import { html, type SafeHtml } from '../../platform/http/html.ts';
import { renderPage } from '../../platform/http/page.ts';

export { redirectWithNotice } from '../../platform/http/page.ts';

import { hasAnyRole, type StaffPrincipal } from '../staff-principal.ts';

export type StaffSection =
  | 'dashboard'
  | 'students'
  | 'inbox'
  | 'worklist'
  | 'sections'
  | 'playbooks'
  | 'outbox';

export function staffNav(principal: StaffPrincipal, config: Config, current: StaffSection) {
  const links: { href: string; label: string; current?: boolean; section: StaffSection }[] = [
    { href: '/dashboard', label: 'Dashboard', section: 'dashboard' },
  ];
  if (
    hasAnyRole(principal, ['district_admin', 'school_admin', 'attendance_champion', 'counselor', 'teacher'])
  ) {
    links.push({ href: '/students', label: 'Students', section: 'students' });
  }
  if (
    hasAnyRole(principal, ['district_admin', 'school_admin', 'attendance_champion', 'counselor', 'teacher'])
  ) {
    links.push({ href: '/worklist', label: 'My worklist', section: 'worklist' });
  }
  if (hasAnyRole(principal, ['district_admin', 'school_admin', 'attendance_champion', 'counselor'])) {
    links.push({ href: '/inbox', label: 'Inbox', section: 'inbox' });
  }
  if (hasAnyRole(principal, ['district_admin', 'school_admin', 'attendance_champion', 'teacher'])) {
    links.push({ href: '/sections', label: 'Take attendance', section: 'sections' });
  }
  if (hasAnyRole(principal, ['district_admin'])) {
    links.push({ href: '/playbooks', label: 'Playbooks', section: 'playbooks' });
  }
  if (
    config.MESSAGING_MODE === 'dev' &&
    hasAnyRole(principal, ['district_admin', 'school_admin', 'attendance_champion', 'counselor', 'teacher'])
  ) {
    links.push({ href: '/dev/outbox', label: 'Development outbox', section: 'outbox' });
  }
  return {
    displayName: principal.displayName,
    links: links.map(({ section, ...link }) => ({ ...link, current: section === current })),
  };
}

/** Sends a staff page. `notice` is a short confirmation shown once (from a redirect's query). */
export function sendStaffPage(
  reply: FastifyReply,
  options: {
    readonly principal: StaffPrincipal;
    readonly config: Config;
    readonly current: StaffSection;
    readonly title: string;
    readonly main: SafeHtml;
    readonly notice?: string | undefined;
  },
): FastifyReply {
  const main = html`${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}${options.main}`;
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      renderPage({
        title: options.title,
        main,
        nav: staffNav(options.principal, options.config, options.current),
      }),
    );
}
