/**
 * Signing in and out: POST /api/session (public), GET /api/session (who am I) and
 * DELETE /api/session (sign out), for any signed-in staff role.
 */
import type { FastifyInstance } from 'fastify';
import type { Database } from '../platform/db/connection.ts';
import { AppError, isAppError } from '../platform/errors.ts';
import { clearSessionCookie, readSessionToken, setSessionCookie } from '../platform/http/auth.ts';
import { presentSession, presentSignedIn } from './session.presenter.ts';
import { SessionResponse, SignedInResponse, SignInBody } from './session.schemas.ts';
import { getSessionDetails, signIn, signOut } from './session.service.ts';
import { createSignInThrottle, type SignInThrottle } from './sign-in-throttle.ts';
import { ALL_STAFF_ROLES } from './staff-principal.ts';

export interface SessionRouteDependencies {
  readonly database: Database;
  /** Failed sign-ins per email and address; a fresh one per application when not given. */
  readonly throttle?: SignInThrottle;
}

export function registerSessionRoutes(app: FastifyInstance, deps: SessionRouteDependencies): void {
  const db = deps.database.db;
  const throttle = deps.throttle ?? createSignInThrottle();

  app.post<{ Body: SignInBody }>(
    '/api/session',
    {
      config: { access: 'public' },
      schema: { body: SignInBody, response: { 200: SignedInResponse } },
    },
    async (request, reply) => {
      const { email, password, district } = request.body;
      reply.header('cache-control', 'no-store');
      const retryAfter = throttle.retryAfterSeconds(email, request.ip);
      if (retryAfter > 0) {
        request.log.warn({ email, ip: request.ip }, 'sign-in throttled');
        reply.header('retry-after', String(retryAfter));
        throw new AppError('RATE_LIMITED', {
          message: `Too many failed sign-ins for this email from this address: try again in ${Math.ceil(retryAfter / 60)} minute(s).`,
        });
      }
      // Counted before the password is checked, so a burst of parallel guesses is throttled too.
      throttle.recordFailure(email, request.ip);
      let signedIn: Awaited<ReturnType<typeof signIn>>;
      try {
        signedIn = await signIn(db, {
          email,
          password,
          district,
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        });
      } catch (error) {
        if (isAppError(error) && error.code === 'INVALID_INPUT') throttle.clear(email, request.ip);
        if (isAppError(error) && error.code === 'UNAUTHENTICATED') {
          request.log.info({ email, ip: request.ip }, 'sign-in refused');
        }
        throw error;
      }
      throttle.clear(email, request.ip);
      // A new session at every sign-in: the one the browser held before (if any) ends.
      const previous = readSessionToken(request);
      if (previous) await signOut(db, previous, { ip: request.ip });
      setSessionCookie(request, reply, signedIn.token);
      return presentSignedIn(signedIn.principal);
    },
  );

  app.get(
    '/api/session',
    { config: { access: { roles: ALL_STAFF_ROLES } }, schema: { response: { 200: SessionResponse } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return presentSession(await getSessionDetails(db, request.staff));
    },
  );

  app.delete('/api/session', { config: { access: { roles: ALL_STAFF_ROLES } } }, async (request, reply) => {
    const token = readSessionToken(request);
    if (token) await signOut(db, token, { ip: request.ip });
    clearSessionCookie(request, reply);
    return reply.status(204).send();
  });
}
