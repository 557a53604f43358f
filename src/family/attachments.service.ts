/**
 * A photo of a note attached to a family's report: recognised by its first bytes (never by the
 * name or the type the browser claims), at most 5 MB, stored beside the reply, and shown only to
 * staff who may see that family's reply.
 */
import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../platform/db/types.ts';
import { AppError } from '../platform/errors.ts';
import type { StaffPrincipal } from '../staff/staff-principal.ts';
import { visibleStudent } from '../staff/student-scope.ts';

export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;

export type AttachmentType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic' | 'application/pdf';

/** The type a file's first bytes say it is, among those a phone's camera or a scan produces. */
export function sniffAttachment(data: Buffer): AttachmentType | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (
    data.length >= 8 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  if (
    data.length >= 12 &&
    data.toString('latin1', 0, 4) === 'RIFF' &&
    data.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'image/webp';
  if (
    data.length >= 12 &&
    data.toString('latin1', 4, 8) === 'ftyp' &&
    /^(heic|heix|hevc|mif1|msf1)$/.test(data.toString('latin1', 8, 12))
  )
    return 'image/heic';
  if (data.length >= 5 && data.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return null;
}

/** INVALID_INPUT (naming what is accepted) unless this is a picture or a PDF within the size. */
export function checkAttachment(data: Buffer): AttachmentType {
  const type = data.length <= ATTACHMENT_MAX_BYTES ? sniffAttachment(data) : null;
  if (!type) {
    throw new AppError('INVALID_INPUT', {
      message: 'The photo must be a picture (JPEG, PNG, WEBP or HEIC) or a PDF, of at most 5 MB.',
      userMessageKey: 'report.error.photo',
      details: { fields: [{ field: 'body.photo', message: 'is not a picture or a PDF of at most 5 MB' }] },
    });
  }
  return type;
}

export async function storeAttachment(
  trx: Transaction<DB>,
  districtId: string,
  inboundId: string,
  data: Buffer,
): Promise<string> {
  const type = checkAttachment(data);
  const { rows } = await sql<{ attachment_id: string }>`
    INSERT INTO inbound_attachments (district_id, inbound_id, content_type, bytes, sha256)
    VALUES (${districtId}, ${inboundId}, ${type}, ${data}, ${createHash('sha256').update(data).digest('hex')})
    RETURNING attachment_id`.execute(trx);
  return rows[0]?.attachment_id as string;
}

/** The attachments of the open replies, by reply, for the inbox. */
export async function attachmentsOf(
  db: Kysely<DB>,
  districtId: string,
  inboundIds: readonly string[],
): Promise<Map<string, { attachmentId: string; contentType: string }[]>> {
  const out = new Map<string, { attachmentId: string; contentType: string }[]>();
  if (inboundIds.length === 0) return out;
  const { rows } = await sql<{ inbound_id: string; attachment_id: string; content_type: string }>`
    SELECT inbound_id, attachment_id, content_type FROM inbound_attachments
    WHERE district_id = ${districtId} AND inbound_id IN (${sql.join(inboundIds.map((id) => sql`${id}::uuid`))})
    ORDER BY created_at`.execute(db);
  for (const row of rows) {
    const list = out.get(row.inbound_id) ?? [];
    list.push({ attachmentId: row.attachment_id, contentType: row.content_type });
    out.set(row.inbound_id, list);
  }
  return out;
}

/** An attachment for a staff member who may see the family's reply; NOT_FOUND otherwise. */
export async function loadAttachment(
  db: Kysely<DB>,
  principal: StaffPrincipal,
  attachmentId: string,
): Promise<{ contentType: string; bytes: Buffer }> {
  const { rows } = await sql<{ content_type: string; bytes: Buffer }>`
    SELECT a.content_type, a.bytes FROM inbound_attachments a
    JOIN inbound_messages i ON i.district_id = a.district_id AND i.inbound_id = a.inbound_id
    WHERE a.district_id = ${principal.districtId} AND a.attachment_id = ${attachmentId}
      AND EXISTS (SELECT 1 FROM student_contacts sc WHERE sc.district_id = i.district_id AND sc.contact_id = i.contact_id
        AND ${visibleStudent(principal, sql.ref('sc.student_id'))})`.execute(db);
  const row = rows[0];
  if (!row) throw new AppError('NOT_FOUND', { message: 'No such attachment.' });
  return { contentType: row.content_type, bytes: Buffer.from(row.bytes) };
}
