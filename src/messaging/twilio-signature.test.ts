import { describe, expect, it } from 'vitest';
import { isValidTwilioSignature, twilioSignature } from './twilio-signature.ts';

// The vector from DOMAIN.md §7 (Twilio's documentation).
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const params = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+12349013030',
  Digits: '1234',
  From: '+12349013030',
  To: '+18005551212',
};
const token = '12345';

describe('Twilio webhook signatures', () => {
  it('computes the documented test vector', () => {
    expect(twilioSignature(token, url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(isValidTwilioSignature(token, url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
  });

  it('refuses any tampering: a parameter, the URL, the token, the signature, a missing header', () => {
    const good = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';
    expect(isValidTwilioSignature(token, url, { ...params, Digits: '1235' }, good)).toBe(false);
    expect(isValidTwilioSignature(token, url, { ...params, Extra: '' }, good)).toBe(false);
    expect(isValidTwilioSignature(token, url.replace('https', 'http'), params, good)).toBe(false);
    expect(isValidTwilioSignature(token, `${url}&baz=3`, params, good)).toBe(false);
    expect(isValidTwilioSignature('12346', url, params, good)).toBe(false);
    expect(isValidTwilioSignature(token, url, params, good.replace('0/', '1/'))).toBe(false);
    expect(isValidTwilioSignature(token, url, params, `${good}=`)).toBe(false);
    expect(isValidTwilioSignature(token, url, params, undefined)).toBe(false);
  });
});
