import { type Kysely, sql } from 'kysely';

/**
 * Splits a SQL script into statements: a semicolon ends a statement when it closes a line
 * outside a dollar-quoted body. Enough for our own migrations, which are written that way.
 */
export function splitSqlScript(script: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inDollarQuote = false;
  for (const line of script.split('\n')) {
    current.push(line);
    const dollarQuotes = line.match(/\$\$/g)?.length ?? 0;
    if (dollarQuotes % 2 === 1) inDollarQuote = !inDollarQuote;
    if (!inDollarQuote && /;\s*$/.test(line)) {
      statements.push(current.join('\n').trim());
      current = [];
    }
  }
  const rest = current.join('\n').trim();
  if (rest) statements.push(rest);
  return statements.filter((statement) => statement.length > 0);
}

/** Runs a SQL script one statement at a time (PGlite's extended protocol takes one per query). */
export async function runSqlScript(db: Kysely<unknown>, script: string): Promise<void> {
  for (const statement of splitSqlScript(script)) {
    await sql.raw(statement).execute(db);
  }
}
