/**
 * The Ed-Fi resource splitter: arrays minified or pretty-printed, NDJSON, any chunking; a
 * malformed resource is reported at its position and never takes the ones after it along.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EdFiFileError,
  type JsonResource,
  MAX_RESOURCE_CHARS,
  readResourceFile,
  splitResources,
} from './edfi-json-reader.ts';

async function split(text: string, chunkSize = text.length || 1): Promise<JsonResource[]> {
  const chunks: string[] = [];
  for (let start = 0; start < text.length; start += chunkSize)
    chunks.push(text.slice(start, start + chunkSize));
  const out: JsonResource[] = [];
  for await (const resource of splitResources(chunks, 'test.json')) out.push(resource);
  return out;
}

/** Each resource as its position and either its `n` field or its problem. */
const summary = (resources: JsonResource[]) =>
  resources.map((resource) =>
    'value' in resource ? [resource.position, resource.value.n] : [resource.position, 'problem'],
  );

describe('Ed-Fi resource splitter', () => {
  it('splits a minified array, whatever the chunks', async () => {
    const text = '[{"n":1,"s":"a,}{]\\"b"},{"n":2,"nested":{"x":[1,{"y":2}]}},{"n":3}]';
    for (const size of [1, 2, 7, text.length])
      expect({ size, got: summary(await split(text, size)) }).toEqual({
        size,
        got: [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
      });
  });

  it('reads pretty-printed arrays, a byte-order mark, a stray trailing comma and back-to-back pages', async () => {
    const text = '\uFEFF[\n  {\n    "n": 1\n  },\n  {\n    "n": 2\n  },\n]\n[\n  {"n": 3}\n]\n';
    expect(summary(await split(text, 3))).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(await split('[]')).toEqual([]);
    expect(await split('  \n')).toEqual([]);
  });

  it('reads NDJSON, reporting positions as line numbers', async () => {
    const text = '{"n":1}\r\n\r\n{"n":2}\n{"n":\n{"n":4}';
    const resources = await split(text, 4);
    expect(summary(resources)).toEqual([
      [1, 1],
      [3, 2],
      [4, 'problem'],
      [5, 4],
    ]);
    expect(resources[2]).toMatchObject({ problem: expect.stringContaining('malformed JSON') });
  });

  it('rejects a malformed resource without losing the ones after it', async () => {
    const cases: Array<[string, string]> = [
      ['a bad token', '[{"n":1},{"n":tru},{"n":3},{"n":4}]'],
      ['a missing closing brace', '[{"n":1},{"n":2,"x":{"y":1},{"n":3},{"n":4}]'],
      ['a mismatched bracket', '[{"n":1},{"n":2,"x":[1,2}},{"n":3},{"n":4}]'],
      ['text after a resource', '[{"n":1},{"n":2} x,{"n":3},{"n":4}]'],
      ['an unclosed string, one resource a line', '[\n{"n":1},\n{"n":2,"s":"oops},\n{"n":3},\n{"n":4}\n]'],
      [
        'an unclosed string, pretty-printed',
        '[\n  {\n    "n": 1\n  },\n  {\n    "n": 2,\n    "s": "oops\n  },\n  {\n    "n": 3\n  },\n  {\n    "n": 4\n  }\n]',
      ],
    ];
    for (const [name, text] of cases) {
      for (const size of [1, 5, text.length])
        expect({ name, size, got: summary(await split(text, size)) }).toEqual({
          name,
          size,
          got: [
            [1, 1],
            [2, 'problem'],
            [3, 3],
            [4, 4],
          ],
        });
    }
  });

  it('says why a resource is refused', async () => {
    const [notObject, unclosed] = await split('[42,{"n":2,"s":"x\n}]');
    expect(notObject).toMatchObject({ position: 1, problem: 'the resource is not a JSON object.' });
    expect(unclosed).toMatchObject({
      position: 2,
      problem: expect.stringContaining('is not closed before the end of the line'),
    });
    const truncated = await split('[{"n":1},{"n":2');
    expect(summary(truncated)).toEqual([
      [1, 1],
      [2, 'problem'],
    ]);
    expect(truncated[1]).toMatchObject({
      problem: expect.stringContaining('the file ends inside this resource'),
    });
    const unclosedArray = await split('[{"n":1},');
    expect(unclosedArray[1]).toMatchObject({ position: 2, problem: expect.stringContaining('truncated') });
  });

  it('refuses a file that is neither an array nor NDJSON, and a runaway resource', async () => {
    await expect(split('<Interchange/>')).rejects.toThrow(EdFiFileError);
    await expect(split('<Interchange/>')).rejects.toThrow('neither a JSON array of resources nor NDJSON');
    const huge = `[{"n":1},{"s":"${'x'.repeat(MAX_RESOURCE_CHARS)}"}]`;
    await expect(split(huge, 64 * 1024)).rejects.toThrow(/longer than 1,000,000 characters/);
  });

  it('refuses a file that is not UTF-8, naming the line', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'homeroom-edfi-reader-'));
    try {
      const path = join(scratch, 'students.json');
      writeFileSync(path, Buffer.from('[\n{"n":1},\n{"firstName":"Jos\xe9"}\n]', 'latin1'));
      const read = async () => {
        for await (const _resource of readResourceFile(path, 'students.json')) {
          // reading is the test
        }
      };
      await expect(read()).rejects.toThrow('students.json, line 3: the file is not UTF-8');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
