/**
 * Route access: every route declares `config.access` (app.ts refuses one that does not), and
 * this hook enforces it before the body is read or validated. A non-public route needs a
 * staff session cookie (401 UNAUTHENTICATED otherwise) held by a member with one of the
 * route's roles (403 FORBIDDEN otherwise); the route then finds them in `request.staff`.
 * A route for families ('family') needs a family session cookie instead and finds the family
 * in `request.family`; each kind of session is refused (403) on the other's routes.
 * A state-changing request from another origin is refused whatever the route (CSRF).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type FamilyPrincipal, getFamilyPrincipal } from '../../family/family-auth.service.ts';
import { getSessionPrincipal } from '../../staff/session.service.ts';
import { hasAnyRole, type StaffPrincipal } from '../../staff/staff-principal.ts';
import type { Database } from '../db/connection.ts';
import { AppError, isAppError } from '../errors.ts';
import { parseCookies, serializeCookie } from './cookies.ts';

export {
  ALL_STAFF_ROLES,
  type StaffGrant,
  type StaffPrincipal,
  type StaffRole,
  type StaffScope,
} from '../../staff/staff-principal.ts';

/** The session cookie over plain HTTP (development, tests). */
export const SESSION_COOKIE = 'homeroom_session';
/**
 * The session cookie over HTTPS: the `__Host-` prefix makes browsers refuse it unless it is
 * Secure, for this host only and Path=/, so a sibling subdomain cannot plant or shadow it.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The signed-in staff member. Set before the handler of every route whose access is not
     * 'public'; undefined on public routes, which must not read it.
     */
    staff: StaffPrincipal;
    /** The signed-in family, on routes whose access is 'family' (undefined elsewhere). */
    family: FamilyPrincipal;
  }
}

/** The family portal's session cookie (docs/decisions/0011), apart from staff sessions. */
export const FAMILY_COOKIE = 'homeroom_family';

function familyCookieName(request: FastifyRequest): string {
  return request.protocol === 'https' ? `__Host-${FAMILY_COOKIE}` : FAMILY_COOKIE;
}

/** The family session token the request carries, if any. */
export function readFamilyToken(request: FastifyRequest): string | undefined {
  return parseCookies(request.headers.cookie).get(familyCookieName(request)) || undefined;
}

/**
 * Sets (or, with null, clears) the family session cookie. A remembered session's cookie
 * outlives the browser (`maxAgeSeconds`); otherwise it ends when the browser closes.
 */
export function setFamilyCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | null,
  maxAgeSeconds?: number,
): void {
  reply.header(
    'set-cookie',
    serializeCookie(familyCookieName(request), token ?? '', {
      path: '/',
      httpOnly: true,
      secure: request.protocol === 'https',
      sameSite: 'Lax',
      ...(token === null ? { maxAge: 0 } : maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
    }),
  );
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session cookie's name for this request: `__Host-` prefixed when it came over HTTPS. */
export function sessionCookieName(request: FastifyRequest): string {
  return request.protocol === 'https' ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** The session token the request carries, if any. */
export function readSessionToken(request: FastifyRequest): string | undefined {
  const value = parseCookies(request.headers.cookie).get(sessionCookieName(request));
  return value || undefined;
}

/** Sets the session cookie (HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS; gone when the browser closes). */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.header(
    'set-cookie',
    serializeCookie(sessionCookieName(request), token, {
      path: '/',
      httpOnly: true,
      secure: request.protocol === 'https',
      sameSite: 'Lax',
    }),
  );
}

/** Tells the browser to forget the session cookie. */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header(
    'set-cookie',
    serializeCookie(sessionCookieName(request), '', {
      path: '/',
      httpOnly: true,
      secure: request.protocol === 'https',
      sameSite: 'Lax',
      maxAge: 0,
    }),
  );
}

/**
 * Whether a state-changing request was sent by a page of another origin: its Origin header
 * names neither this server (as the request reached it) nor PUBLIC_URL. Browsers send Origin
 * on every cross-origin POST, PUT, PATCH and DELETE; clients that are not browsers send none.
 */
function isCrossOrigin(request: FastifyRequest, publicOrigin: string): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return request.headers['sec-fetch-site'] === 'cross-site';
  return origin !== `${request.protocol}://${request.host}` && origin !== publicOrigin;
}

export interface AuthDependencies {
  readonly database: Database;
  /** PUBLIC_URL: requests from its origin are this server's own pages. */
  readonly publicUrl: string;
}

/** Registers the access hook and the `request.staff` decoration on the root application. */
export function registerAuth(app: FastifyInstance, deps: AuthDependencies): void {
  const publicOrigin = new URL(deps.publicUrl).origin;
  app.decorateRequest('staff');
  app.decorateRequest('family');
  app.addHook('onRequest', async (request, reply) => {
    if (!SAFE_METHODS.has(request.method) && isCrossOrigin(request, publicOrigin)) {
      throw new AppError('FORBIDDEN', {
        message: `Refused a ${request.method} request sent from another site (${request.headers.origin ?? 'unknown origin'}).`,
      });
    }
    const access = request.routeOptions.config?.access;
    // No access declared only happens for the not-found handler: app.ts refuses such routes.
    if (access === undefined || access === 'public') return;
    if (access === 'family') {
      const familyToken = readFamilyToken(request);
      if (!familyToken) {
        if (readSessionToken(request)) {
          throw new AppError('FORBIDDEN', {
            message: 'This is the family portal: a staff session cannot use it.',
            userMessageKey: 'error.notAllowed',
          });
        }
        throw new AppError('UNAUTHENTICATED', {
          message: 'Sign in first: this needs a family sign-in.',
          userMessageKey: 'signIn.error.ended',
        });
      }
      try {
        request.family = await getFamilyPrincipal(deps.database.db, familyToken);
      } catch (error) {
        if (isAppError(error) && error.code === 'UNAUTHENTICATED') setFamilyCookie(request, reply, null);
        throw error;
      }
      return;
    }
    const token = readSessionToken(request);
    if (!token) {
      if (readFamilyToken(request)) {
        throw new AppError('FORBIDDEN', { message: 'Families cannot use staff pages or the staff API.' });
      }
      throw new AppError('UNAUTHENTICATED', { message: 'Sign in first: this needs a staff session.' });
    }
    let principal: StaffPrincipal;
    try {
      principal = await getSessionPrincipal(deps.database.db, token);
    } catch (error) {
      if (isAppError(error) && error.code === 'UNAUTHENTICATED') clearSessionCookie(request, reply);
      throw error;
    }
    if (!hasAnyRole(principal, access.roles)) {
      throw new AppError('FORBIDDEN', {
        message: `Your role may not do this: it needs ${access.roles.length === 1 ? 'the role' : 'one of the roles'} ${access.roles.join(', ')}.`,
      });
    }
    request.staff = principal;
  });
}
