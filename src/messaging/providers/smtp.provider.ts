/**
 * Email through any SMTP relay with nodemailer: HTML and plain text, a Message-ID derived from
 * the message (so a duplicate, if one ever happens, threads and collapses in mail clients), and
 * RFC 8058 one-click unsubscribe headers on everything that is not a same-day alert.
 *
 * SMTP has no way to ask "did you get this?", so an unclear outcome (the connection broke after
 * DATA) is resent with the same Message-ID: for email we choose at-least-once (docs/decisions/0009).
 * 5xx answers are permanent (the address bounced), 4xx and refused connections are retryable.
 */
import nodemailer from 'nodemailer';
import type { MessageProvider, SendOutcome } from './provider.ts';

export interface SmtpOptions {
  readonly url: string;
  readonly from: string;
  readonly timeoutMs: number;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** The HTML part: the text as paragraphs, in the family's reading direction. */
export function emailHtml(body: string, language: string, direction: 'ltr' | 'rtl'): string {
  const paragraphs = body
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replaceAll('\n', '<br>')}</p>`)
    .join('');
  return `<!doctype html><html lang="${escapeHtml(language)}" dir="${direction}"><body style="font-family:sans-serif;font-size:16px;line-height:1.5">${paragraphs}</body></html>`;
}

export function createSmtpProvider(options: SmtpOptions): MessageProvider {
  const url = new URL(options.url);
  const secure = url.protocol === 'smtps:';
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  return {
    name: 'smtp',
    async send(message): Promise<SendOutcome> {
      const direction = message.language === 'ar' ? 'rtl' : 'ltr';
      const headers: Record<string, string> = {};
      if (message.category !== 'attendance_alert') {
        headers['List-Unsubscribe'] = `<${message.unsubscribeUrl}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      try {
        const info = await transport.sendMail({
          from: message.from ?? options.from,
          to: message.to,
          subject: message.subject ?? '',
          text: message.body,
          html: emailHtml(message.body, message.language, direction),
          messageId: `<${message.messageId}@homeroom>`,
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          headers,
        });
        return { kind: 'accepted', providerMessageId: info.messageId, status: 'sent' };
      } catch (error) {
        const failure = error as { responseCode?: number; code?: string; response?: string; message: string };
        const detail = failure.response ?? failure.message;
        if (failure.responseCode && failure.responseCode >= 500) {
          return { kind: 'permanent', code: `smtp_${failure.responseCode}`, detail };
        }
        if (failure.responseCode && failure.responseCode >= 400) {
          return { kind: 'retryable', code: `smtp_${failure.responseCode}`, detail };
        }
        return { kind: 'retryable', code: `smtp_${failure.code ?? 'network'}`, detail };
      }
    },
    async reconcile() {
      return { kind: 'unknown', detail: 'SMTP cannot say whether a message arrived.' };
    },
  };
}
