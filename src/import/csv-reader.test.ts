/**
 * The CSV reader on the inputs SIS exports really produce: quoted fields with commas,
 * quotes and line breaks, CRLF, a byte-order mark, and Windows-1252 bytes (refused).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvFileError, type CsvRecord, findInvalidUtf8, readCsvBytes } from './csv-reader.ts';
import { neutraliseCell } from './import-run.ts';

async function parse(text: string | Uint8Array, chunkSize?: number): Promise<CsvRecord[]> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const records: CsvRecord[] = [];
  for await (const record of readCsvBytes(bytes, 'test.csv', chunkSize)) records.push(record);
  return records;
}

async function failure(text: string | Uint8Array): Promise<CsvFileError> {
  try {
    await parse(text);
  } catch (error) {
    if (error instanceof CsvFileError) return error;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('the CSV reader', () => {
  it('reads quoted fields holding commas, doubled quotes and line breaks, and numbers lines from the record start', async () => {
    const records = await parse('a,b,c\n1,"x, y","say ""hi"""\n2,"line one\nline two",z\n3,,\n');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 3, fields: ['2', 'line one\nline two', 'z'] },
      { line: 5, fields: ['3', '', ''] },
    ]);
  });

  it('reads CRLF line ends and strips a UTF-8 byte-order mark from the first header', async () => {
    const records = await parse('\uFEFFstudent_id,name\r\nS1,José Müller–O’Brien\r\n\r\nS2,"A\r\nB"\r\n');
    expect(records.map((record) => record.fields)).toEqual([
      ['student_id', 'name'],
      ['S1', 'José Müller–O’Brien'],
      ['S2', 'A\r\nB'],
    ]);
    expect(records[0]?.fields[0]?.charCodeAt(0)).toBe('s'.charCodeAt(0));
    expect(records.map((record) => record.line)).toEqual([1, 2, 4]);
  });

  it('refuses Windows-1252 bytes, naming the line, instead of storing garbled text', async () => {
    const header = new TextEncoder().encode('id,name\nS1,Ana\n');
    const latin = Uint8Array.from([...'S2,Jos'].map((c) => c.charCodeAt(0)).concat([0xe9, 0x0a]));
    const error = await failure(Uint8Array.from([...header, ...latin]));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/test\.csv, line 3: the file is not UTF-8 \(byte 0xe9/);
  });

  it('refuses a quote that never closes, naming the line where it opened', async () => {
    const error = await failure('a,b\n1,"open\n2,x\n3,y\n');
    expect(error.line).toBe(2);
    expect(error.reason).toMatch(/never closes/);
  });

  it('gives the same records whatever the chunk boundaries (multi-byte characters split across chunks)', async () => {
    const cell = fc
      .array(fc.constantFrom('a', 'z', 'é', '€', '😀', ',', '"', '\n', ' '), { maxLength: 8 })
      .map((chars) => chars.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 9 }),
        async (rows, chunkSize) => {
          const text = `h1,h2\r\n${rows.map((row) => row.map((value) => `"${value.replace(/"/g, '""')}"`).join(',')).join('\r\n')}\r\n`;
          const whole = await parse(text);
          const chunked = await parse(text, chunkSize);
          expect(chunked).toEqual(whole);
          expect(whole.slice(1).map((record) => record.fields)).toEqual(rows);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('finds the first byte that is not UTF-8, and accepts a sequence cut off at the end', () => {
    expect(findInvalidUtf8(new TextEncoder().encode('héllo'))).toBe(-1);
    expect(findInvalidUtf8(Uint8Array.from([0x61, 0xc3]))).toBe(-1);
    expect(findInvalidUtf8(Uint8Array.from([0x61, 0x93, 0x62]))).toBe(1);
    expect(findInvalidUtf8(Uint8Array.from([0xc0, 0xaf]))).toBe(0);
    expect(findInvalidUtf8(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe(0);
  });
});

describe('the rejected-rows report', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(neutraliseCell('=HYPERLINK("http://evil","x")')).toBe('\'=HYPERLINK("http://evil","x")');
    expect(neutraliseCell('+1')).toBe("'+1");
    expect(neutraliseCell('-2')).toBe("'-2");
    expect(neutraliseCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutraliseCell('José')).toBe('José');
  });
});
