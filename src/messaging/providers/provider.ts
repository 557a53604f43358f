/**
 * What the send job needs from a provider: send one message and say clearly how it went, and,
 * where the provider can answer it, whether an earlier attempt with an unclear outcome reached
 * it after all. Every outcome is one of four kinds, and the job acts on the kind alone:
 *
 * - accepted: the provider has the message (its id is kept; callbacks report delivery);
 * - retryable: it certainly does not have it (429, refused connection, 4xx SMTP): try again later;
 * - permanent: it never will (opted out, invalid number, SMTP 5xx): stop and tell staff;
 * - uncertain: it may have it (timeout, reset, 500 after accepting): reconcile, never re-send blindly.
 */

export type Channel = 'sms' | 'voice' | 'email' | 'portal';

export interface OutboundMessage {
  readonly districtId: string;
  readonly messageId: string;
  readonly channel: Channel;
  readonly category: 'attendance_alert' | 'general' | 'reply';
  readonly language: string;
  readonly from: string | null;
  readonly to: string;
  readonly subject: string | null;
  readonly body: string;
  /** Where the provider reports delivery (carries the message id, so it is known before the id is saved). */
  readonly statusCallbackUrl: string;
  /** Where a voice call's keypad choice is sent. */
  readonly gatherUrl: string;
  /** Where a family's email reply goes (reply+<message id>@EMAIL_REPLY_DOMAIN), when replies are set up. */
  readonly replyTo: string | null;
  /** One-click unsubscribe (RFC 8058) for email that is not an alert. */
  readonly unsubscribeUrl: string;
  /** What a voice call reads after the message (keypad choices), in the family's language. */
  readonly keypadPrompt: string | null;
  /** Twilio <Say> language, or null when text-to-speech has no voice for the family's language. */
  readonly speechLanguage: string | null;
}

export type SendOutcome =
  | {
      readonly kind: 'accepted';
      readonly providerMessageId: string;
      readonly status: 'accepted' | 'sent' | 'delivered';
    }
  | {
      readonly kind: 'retryable';
      readonly code: string;
      readonly detail: string;
      readonly retryAfterMs?: number;
      readonly httpStatus?: number;
    }
  | {
      readonly kind: 'permanent';
      readonly code: string;
      readonly detail: string;
      readonly httpStatus?: number;
      readonly optedOut?: boolean;
    }
  | {
      readonly kind: 'uncertain';
      readonly code: string;
      readonly detail: string;
      readonly httpStatus?: number;
    };

export type ReconcileOutcome =
  | { readonly kind: 'found'; readonly providerMessageId: string }
  | { readonly kind: 'absent' }
  /** The provider cannot say (or could not be asked now): the job follows the channel's documented policy. */
  | { readonly kind: 'unknown'; readonly detail: string };

export interface MessageProvider {
  readonly name: string;
  send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome>;
  /** Whether an attempt that started at `since` reached the provider. */
  reconcile(message: OutboundMessage, since: Date, signal: AbortSignal): Promise<ReconcileOutcome>;
}

export type ProviderRegistry = Readonly<Record<Channel, MessageProvider | null>>;
