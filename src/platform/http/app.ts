/**
 * Builds the Fastify application without listening, so tests drive it with inject() and
 * `serve` adds the listener. Every route must declare who may call it in
 * `config.access`; registering a route without one throws at start-up (and so in CI).
 */
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { registerAttendanceRoutes } from '../../attendance/attendance.routes.ts';
import { registerTakeAttendanceRoutes } from '../../attendance/take-attendance.routes.ts';
import { registerCallMenuRoutes } from '../../family/call-menu.routes.ts';
import { registerConferenceRoutes } from '../../family/conference.routes.ts';
import { registerFamilyRoutes } from '../../family/family.routes.ts';
import { registerPolicyRoutes } from '../../family/policy.routes.ts';
import { registerResourceRoutes } from '../../family/resources.routes.ts';
import { registerSurveyRoutes } from '../../family/survey.routes.ts';
import { registerDevOutboxRoutes } from '../../messaging/dev-outbox.routes.ts';
import { registerEmailInboundRoutes } from '../../messaging/email-inbound.routes.ts';
import { registerMessagingRoutes } from '../../messaging/messaging.routes.ts';
import { registerUnsubscribeRoutes } from '../../messaging/unsubscribe.routes.ts';
import { registerWebhookRoutes } from '../../messaging/webhooks.routes.ts';
import { registerPlaybookRoutes } from '../../outreach/playbook.routes.ts';
import { registerDashboardPage } from '../../staff/pages/dashboard.page.ts';
import { registerInboxPage } from '../../staff/pages/inbox.page.ts';
import { registerOutreachPages } from '../../staff/pages/outreach.page.ts';
import { registerSectionPages } from '../../staff/pages/sections.page.ts';
import { registerStudentPages } from '../../staff/pages/students.page.ts';
import { registerSessionRoutes } from '../../staff/session.routes.ts';
import { registerSignInPage } from '../../staff/sign-in.page.ts';
import { isStaffRole, type StaffRole } from '../../staff/staff-principal.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/connection.ts';
import { type AppError, isAppError } from '../errors.ts';
import type { JobSender } from '../jobs/job.ts';
import type { Logger } from '../logger.ts';
import { registerAuth } from './auth.ts';
import { registerHomeRoutes } from './home.routes.ts';
import { html } from './html.ts';
import { createHttpMetrics } from './metrics.ts';
import { registerOperationsRoutes } from './operations.routes.ts';
import { renderPage } from './page.ts';

/**
 * Who may call a route: anyone ('public'), a signed-in family ('family': the route reads
 * `request.family`), or a signed-in staff member holding one of the listed roles (auth.ts
 * enforces it; the route then reads `request.staff`).
 */
export type RouteAccess = 'public' | 'family' | { readonly roles: readonly StaffRole[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyInstance {
    /** Every registered route with who may call it (the access-matrix test walks it). */
    readonly routeTable: readonly RegisteredRoute[];
  }
}

export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

export interface AppDependencies {
  readonly config: Config;
  readonly database: Database;
  readonly logger: Logger;
  /** Enqueues jobs (messages to send); without it, routes that send answer 503. */
  readonly queue?: JobSender;
  /** True once the process is stopping: /readyz answers 503 so the load balancer drains it. */
  readonly isDraining?: () => boolean;
}

/** Creates the HTTP application with every route registered; call `listen` to serve it. */
export async function buildApp(dependencies: AppDependencies): Promise<FastifyInstance> {
  const { config, logger } = dependencies;
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 1_048_576,
    return503OnClosing: true,
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
  });

  const routeTable: RegisteredRoute[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) {
      throw new Error(
        `Route ${route.method} ${route.url} does not declare config.access: say who may call it ('public' or roles).`,
      );
    }
    if (
      access !== 'public' &&
      access !== 'family' &&
      (access.roles.length === 0 || !access.roles.every((role) => isStaffRole(role)))
    ) {
      throw new Error(
        `Route ${route.method} ${route.url} declares config.access roles [${access.roles.join(', ')}]: list at least one, each a staff role.`,
      );
    }
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url, access });
  });
  registerAuth(app, { database: dependencies.database, publicUrl: config.PUBLIC_URL });

  await app.register(helmet, {
    // Not helmet's no-referrer: with it Chromium sends "Origin: null" on this site's own form
    // posts, which the cross-site check must refuse. same-origin still tells other sites nothing.
    referrerPolicy: { policy: 'same-origin' },
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    // A person opening a page without a session is sent to sign in, then back.
    if (
      isAppError(error) &&
      error.code === 'UNAUTHENTICATED' &&
      request.method === 'GET' &&
      request.headers.accept?.includes('text/html')
    ) {
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    }
    // A person in a browser gets a page, not JSON.
    if (isAppError(error) && request.method === 'GET' && request.headers.accept?.includes('text/html')) {
      return reply
        .status(error.status)
        .type('text/html; charset=utf-8')
        .send(
          renderPage({
            title:
              error.status === 404
                ? 'Not found'
                : error.status === 403
                  ? 'Not allowed'
                  : 'Something is wrong',
            main: html`<h1>${error.status === 404 ? 'Not found' : error.status === 403 ? 'Not allowed' : 'Something is wrong'}</h1>
              <p>${error.message}</p><p><a href="/">Back to the start page</a></p>`,
          }),
        );
    }
    if (isAppError(error)) {
      const retryAfter = error.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return reply
        .status(error.status)
        .send({ error: { code: error.code, message: error.message, ...error.details } });
    }
    if (error.validation) {
      const fields = error.validation.map((issue) => ({
        field: `${error.validationContext ?? 'body'}${issue.instancePath.replaceAll('/', '.')}`,
        message: issue.message ?? 'is not valid',
      }));
      return reply.status(400).send({
        error: {
          code: 'INVALID_INPUT',
          message: `Invalid input: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`,
          fields,
        },
      });
    }
    if (error.statusCode && error.statusCode < 500) {
      const code =
        error.statusCode === 413
          ? 'PAYLOAD_TOO_LARGE'
          : error.statusCode === 415
            ? 'INVALID_INPUT'
            : 'INVALID_INPUT';
      return reply.status(error.statusCode).send({ error: { code, message: error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({
      error: { code: 'INTERNAL', message: 'Something went wrong on our side. It has been logged.' },
    });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0]}` },
    }),
  );

  const metrics = createHttpMetrics(dependencies.database);
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(
      request.routeOptions.url ?? 'unmatched',
      request.method,
      reply.statusCode,
      reply.elapsedTime,
    );
  });

  registerOperationsRoutes(app, { ...dependencies, metrics });
  registerHomeRoutes(app, dependencies);
  registerSessionRoutes(app, dependencies);
  registerAttendanceRoutes(app, dependencies);
  registerTakeAttendanceRoutes(app, dependencies);
  registerSignInPage(app, dependencies.database);
  registerStudentPages(app, dependencies);
  registerFamilyRoutes(app, dependencies);
  registerInboxPage(app, dependencies);
  registerSurveyRoutes(app, dependencies);
  registerPolicyRoutes(app, dependencies);
  registerConferenceRoutes(app, dependencies);
  registerResourceRoutes(app, dependencies);
  registerCallMenuRoutes(app, dependencies);
  registerDashboardPage(app, dependencies);
  registerOutreachPages(app, dependencies);
  registerSectionPages(app, dependencies);
  registerMessagingRoutes(app, dependencies);
  registerWebhookRoutes(app, dependencies);
  registerPlaybookRoutes(app, dependencies);
  registerEmailInboundRoutes(app, dependencies);
  registerUnsubscribeRoutes(app, dependencies);
  registerDevOutboxRoutes(app, dependencies);
  return app;
}
