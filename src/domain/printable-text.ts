/**
 * Text from zfs, ssh or a remote host is data, not terminal input: an escape sequence in a dataset
 * property, a hostile remote's banner or a broken stream printed to stderr could otherwise move the
 * cursor, rewrite earlier lines or change a terminal's title. Everything such text can carry that a
 * terminal acts on is written as a visible escape instead.
 */

// C0 controls, DEL, C1 controls (U+0080..U+009F: 0x9B is CSI on some terminals), and the Unicode
// bidirectional overrides and isolates that reorder what is shown.
// eslint-disable-next-line no-control-regex
const controlOrBidi = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// The same without tab and newline, for text printed as several lines.
// eslint-disable-next-line no-control-regex
const controlOrBidiButLines = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(ch: string): string {
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text on one line with every control character (newlines included) escaped, e.g. ESC as `\x1b`. */
export function printableLine(text: string): string {
  return text.replace(controlOrBidi, escapeOne);
}

/** The text with every control character escaped except newlines and tabs. */
export function printableText(text: string): string {
  return text.replace(controlOrBidiButLines, escapeOne);
}
