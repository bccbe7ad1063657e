// A DynamoDB number (N) holds up to 38 significant digits: far beyond a JS
// number's 15-17, so counts are read into a bigint from their digits.
//
// Decision on the forms accepted: any text DynamoDB accepts as a number
// ("+5", "05", "5.0", "5e0", "50E-1", "-0") whose exact value is a whole
// number from 0 to 10^38 - 1 reads as that number and is printed canonically
// (plain digits, no sign, no leading zeros: "5"). A value with a fraction
// ("1.5", "5e-1"), a negative one (a count or an epoch-seconds expiry cannot
// be), or 10^38 and above (more digits than DynamoDB keeps) is a problem.
// DynamoDB itself returns canonical text, so other forms come only from an
// endpoint that is not DynamoDB; they are still read exactly.

const NUMBER_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const MAX_DIGITS = 38;

/** A whole number read from DynamoDB number text, or why it is not one. */
export type WholeNumberReading = { value: bigint } | { problem: string };

/**
 * Reads DynamoDB number text as a whole number from 0 to 10^38 - 1, exactly.
 * @example readWholeNumber("12345678901234567890") // { value: 12345678901234567890n }
 * @example readWholeNumber("5e0") // { value: 5n }
 * @example readWholeNumber("1.5") // { problem: "not an integer" }
 */
export function readWholeNumber(text: string): WholeNumberReading {
  const m = NUMBER_TEXT.exec(text);
  const whole = m?.[2] ?? "";
  const fraction = m?.[3] ?? "";
  if (m === null || whole.length + fraction.length === 0) return { problem: "not a number" };
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  // The value is digits × 10^scale, with every digit significant from here on.
  let digits = (whole + fraction).replace(/^0+/, "");
  if (digits === "") return { value: 0n };
  let scale = exponent - fraction.length;
  const trimmed = digits.replace(/0+$/, "");
  scale += digits.length - trimmed.length;
  digits = trimmed;
  if (scale < 0) return { problem: "not an integer" };
  if (m[1] === "-") return { problem: "negative" };
  // Checked before building the text, so "1e999999999" costs nothing.
  if (digits.length + scale > MAX_DIGITS) return { problem: `more than ${MAX_DIGITS} digits` };
  return { value: BigInt(digits + "0".repeat(scale)) };
}
