/**
 * Outside text (the site's values, field names, fault messages, error pages) made safe to show on a terminal.
 *
 * @packageDocumentation
 */

/** Control characters other than the line feed: C0, DEL and C1. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

/**
 * The characters that reorder or break text without showing themselves: the bidirectional marks, embeddings,
 * overrides and isolates (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which can make `gnp.exe` read
 * as `exe.png`, and the line and paragraph separators U+2028 and U+2029.
 */
const INVISIBLE_LAYOUT = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/**
 * Text made safe for a terminal: line breaks become ` ⏎ `, each other control character its visible one-column
 * symbol (`␉` for a tab, `␛` for ESC, `␍` for a carriage return, `�` for a C1 control), and each bidirectional or
 * separator character its code point in angle brackets (`⟨U+202E⟩`). The result is one line that can neither break
 * columns, start a line of its own (a forged `hint:`), reorder the text around it, nor send escape sequences
 * (colours, window titles, clipboard writes, clearing the screen) to the person's terminal.
 *
 * @param text - any text, typically from the site.
 * @returns the same text with every such character replaced by a visible mark.
 */
export function forTerminal(text: string): string {
  return text
    .replace(/\s*\n\s*/g, " ⏎ ")
    .replace(CONTROL, (c) => {
      const code = c.charCodeAt(0);
      return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? "\u2421" : "\ufffd";
    })
    .replace(INVISIBLE_LAYOUT, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}⟩`);
}
