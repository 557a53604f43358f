/** Phone numbers as Homeroom keeps them: E.164, the form Twilio uses. */

/** E.164 from what a SIS sends: "+13125550100", "(312) 555-0100", "1-312-555-0100" (US). */
export function normalisePhone(value: string): string | null {
  const trimmed = value.trim();
  if (/^\+[1-9]\d{6,14}$/.test(trimmed)) return trimmed;
  const digits = trimmed.replace(/[\s().-]/g, '');
  if (/^\d{10}$/.test(digits) && /^[2-9]/.test(digits)) return `+1${digits}`;
  if (/^1\d{10}$/.test(digits)) return `+${digits}`;
  return null;
}
