/** Cells of CSV files Homeroom writes for people to open in a spreadsheet. */

/** Neutralises a cell a spreadsheet would run as a formula (OWASP CSV injection). */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
