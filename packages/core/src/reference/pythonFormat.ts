/**
 * Formats a number as Python's `str(float)` does, so that gcopt's error messages can quote the
 * original code's messages exactly ("Invalid epsilon value: -1e-08", "Invalid Learning Rate: 0.0").
 * Python uses the shortest round-trip digits (as JavaScript does) but switches to exponent form
 * below 1e-4 or from 1e16 on, writes at least two exponent digits, and keeps ".0" on integers.
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}
