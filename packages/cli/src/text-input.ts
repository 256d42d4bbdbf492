import { UsageError } from "./exit-codes.js";

/**
 * The text of bytes a person gave the CLI (a file, standard input): UTF-8, its byte order mark dropped, or UTF-16
 * with a byte order mark (what Windows PowerShell 5.1's `Out-File` and `>` write), else `undefined`: bytes that are
 * not valid text of that encoding (Shift-JIS, Latin-1, a lone UTF-16 half) are never read as U+FFFD, and text with a
 * NUL (UTF-16 without its mark, a binary file) is not text either.
 */
export function decodeText(bytes: Uint8Array): string | undefined {
  const [a, b] = bytes;
  const encoding = a === 0xff && b === 0xfe ? "utf-16le" : a === 0xfe && b === 0xff ? "utf-16be" : "utf-8";
  try {
    // TextDecoder drops the byte order mark of its encoding. A NUL is in no JSON text: UTF-16 without its mark (every
    // ASCII character followed or preceded by a zero byte, valid UTF-8 all the same) or a binary file.
    const text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    return text.includes("\0") ? undefined : text;
  } catch {
    return undefined;
  }
}

/** {@link decodeText}, or the usage error (exit 2) naming `named` (`data from x.json`) and how to convert it. */
export function decodeTextInput(bytes: Uint8Array, named: string): string {
  const text = decodeText(bytes);
  if (text !== undefined) return text;
  throw new UsageError(
    `${named} is not UTF-8 text (nor UTF-16 with a byte order mark)`,
    "Convert it to UTF-8, e.g. iconv -f SHIFT_JIS -t UTF-8 in.json > out.json, or in Windows PowerShell: Get-Content in.json | Set-Content -Encoding utf8 out.json",
  );
}
