// The rule for free text (descriptions, names, notes): stored exactly as sent, so it must
// be text a dispatcher can read and every store can hold. Rejected, with the position:
// - a lone UTF-16 surrogate (not a character; it cannot be stored as UTF-8),
// - control characters other than tab, line feed and carriage return (C0, DEL, C1),
// - bidirectional controls (U+061C, U+200E/F, U+202A–E, U+2066–9), which make a text
//   display in another order than it is stored ("Trojan source").
// Nothing is silently rewritten: what is stored is what the reporter sent.

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `s` is not acceptable text, or null when it is. */
export function textProblem(s: string): string | null {
  const m = FORBIDDEN.exec(s);
  if (!m) return null;
  const u = 'U+' + m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  const c = m[0].charCodeAt(0);
  const what = c >= 0xd800 && c <= 0xdfff ? `a lone surrogate (${u})` : c === 0x061c || c >= 0x200e ? `a bidirectional control (${u})` : `a control character (${u})`;
  return `must not contain ${what}, found at character ${m.index}`;
}
