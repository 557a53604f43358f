/**
 * The development provider: the message is already in the outbox table, so "delivering" it
 * only marks it delivered. The development outbox page (/dev/outbox) lists what families
 * would have received. Nothing leaves the server.
 */
import type { MessageProvider } from './provider.ts';

export function createDevProvider(name = 'dev'): MessageProvider {
  return {
    name,
    async send(message) {
      return { kind: 'accepted', providerMessageId: `${name}-${message.messageId}`, status: 'delivered' };
    },
    async reconcile(message) {
      return { kind: 'found', providerMessageId: `${name}-${message.messageId}` };
    },
  };
}
