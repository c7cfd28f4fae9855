/**
 * RFC 4180 CSV with spreadsheet formula injection neutralised: a cell that begins with `=`, `+`,
 * `-`, `@`, tab or carriage return gets a leading apostrophe (OWASP's advice), so Excel, LibreOffice
 * and Sheets show it as text instead of evaluating it.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
