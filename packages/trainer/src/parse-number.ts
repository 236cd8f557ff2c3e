/**
 * The one parser of numbers typed by a user (command-line flags and their lists): plain
 * decimal notation only, so `0x10`, `0b1`, `0o7`, `Infinity`, `1_000` and padded text are
 * refused instead of being read the way JavaScript's `Number` reads them.
 */

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Sign, digits and power of ten of a decimal text, or undefined when it is not one. */
function decimalParts(text: string): { negative: boolean; digits: string; exponent: number } | undefined {
  const match = DECIMAL.exec(text);
  if (match === null) return undefined;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return undefined;
  return { negative: sign === '-', digits: whole + fraction, exponent: Number(exponent) - fraction.length };
}

/**
 * A finite number written in decimal (`12`, `-0.5`, `3e-4`, `.25`), or undefined for any other
 * text, including values too large for a double.
 */
export function parseDecimal(text: string): number | undefined {
  if (decimalParts(text) === undefined) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * An integer written in decimal (`2048`, `1e6`, `1.5e3`), or undefined when the text is not
 * decimal, not a whole number (`1.5`, `1e-1`) or beyond `Number.MAX_SAFE_INTEGER` in magnitude,
 * where a double can no longer hold every integer and the value would silently change.
 */
export function parseDecimalInteger(text: string): number | undefined {
  const parts = decimalParts(text);
  if (parts === undefined) return undefined;
  let digits = parts.digits.replace(/^0+/, '');
  if (digits === '') return 0;
  if (parts.exponent < 0) {
    const cut = digits.length + parts.exponent;
    if (!/^0*$/.test(digits.slice(Math.max(0, cut)))) return undefined;
    digits = cut > 0 ? digits.slice(0, cut) : '';
  } else {
    // Longer than MAX_SAFE_INTEGER's 16 digits is out of range whatever the digits.
    if (digits.length + parts.exponent > 16) return undefined;
    digits += '0'.repeat(parts.exponent);
  }
  const magnitude = digits === '' ? 0 : Number(digits);
  if (magnitude > Number.MAX_SAFE_INTEGER) return undefined;
  return parts.negative && magnitude !== 0 ? -magnitude : magnitude;
}
