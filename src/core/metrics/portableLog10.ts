/**
 * log10 computed with IEEE-754 additions, multiplications and divisions only, so every
 * JavaScript engine gives the same bits. `Math.log10` does not: Node 20's V8 and current
 * Chromium's V8 differ in the last bit for about 1% of arguments, and the app (Chromium) must
 * print exactly the numbers `npm run eval` (Node) prints for the same renders.
 *
 * x = m * 2^e with m in [sqrt(1/2), sqrt(2)), read from the float's bits; ln m = 2 atanh(s) with
 * s = (m - 1) / (m + 1), |s| < 0.172, summed to s^27 (the next term is below 2^-70 of the sum).
 * Agrees with Math.log10 to a few units in the last place (tests/core/portableLog10.test.ts).
 */
const LN2 = 0.6931471805599453;
const LOG10_E = 0.4342944819032518;
const SQRT1_2 = 0.7071067811865476;

const bits = new DataView(new ArrayBuffer(8));

/** ln of a positive finite double, engine-independent. */
export function portableLn(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  let e = 0;
  // Subnormals: scale into the normal range first (2^54 is exact).
  if (x < 2.2250738585072014e-308) { x *= 18014398509481984; e -= 54; }
  bits.setFloat64(0, x);
  const hi = bits.getUint32(0);
  e += ((hi >>> 20) & 0x7ff) - 1023;
  bits.setUint32(0, (hi & 0x800fffff) | (1023 << 20)); // mantissa with exponent 0: m in [1, 2)
  let m = bits.getFloat64(0);
  if (m > 2 * SQRT1_2) { m /= 2; e += 1; }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  // atanh(s) / s = sum s^(2k) / (2k + 1), k = 0..13, by Horner from the smallest term.
  let sum = 0;
  for (let k = 13; k >= 1; k--) sum = (sum + 1 / (2 * k + 1)) * s2;
  return e * LN2 + 2 * s * (1 + sum);
}

/** log10 of a positive finite double, engine-independent. */
export function portableLog10(x: number): number {
  return portableLn(x) * LOG10_E;
}
