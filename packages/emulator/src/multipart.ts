import { formText } from './http-util.js';

/** A file part of a multipart body. */
export interface MultipartFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A parsed `multipart/form-data` body. */
export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, MultipartFile>;
}

/** The boundary of a `multipart/form-data` content type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/** The escapes the WHATWG form encoder (browsers, Node's `FormData`) writes for `"`, CR and LF in a part's name or filename. */
const FORM_ESCAPES: Readonly<Record<string, string>> = { '%22': '"', '%0D': '\r', '%0A': '\n' };

/**
 * Undoes {@link FORM_ESCAPES} only, upper-case as the encoder writes them: it leaves `%` itself alone, so any other
 * `%XX` (a file really named `a%41.txt`) is part of the name and stays as sent.
 */
function decodeFormEscapes(value: string): string {
  return value.replace(/%(?:22|0D|0A)/g, (escape) => FORM_ESCAPES[escape] ?? escape);
}

/**
 * A `; name=value` parameter of a header, in any position (`name` does not match inside `filename`), form escapes
 * undone. shotgun_api3 writes a filename's `"` as is (`filename="take "2" final.mov"`), so a quoted filename runs to
 * the last `"` before the end of the header or the next `; name=`; failing that, to its first closing `"`.
 */
function headerParam(header: string, name: string): string | undefined {
  const loose = name === 'filename' ? '"(.*?)"(?=\\s*(?:;\\s*name=|$))|' : '';
  const m = new RegExp(`(?:^|;)\\s*${name}=(?:${loose}"([^"]*)"|([^;\\s]+))`, 'i').exec(header);
  const value = m ? (m[1] ?? m[2] ?? m[3]) : undefined;
  return value === undefined ? undefined : decodeFormEscapes(value);
}

/** Parses a `multipart/form-data` body; throws an Error when it is malformed. */
export function parseMultipart(body: Buffer, boundary: string): MultipartForm {
  const delimiter = Buffer.from(`--${boundary}`);
  const form: MultipartForm = { fields: {}, files: {} };
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('multipart body without its boundary');
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing "--"
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new Error('multipart part without a header end');
    const headers: Record<string, string> = {};
    for (const line of body.subarray(pos, headerEnd).toString('utf8').split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const start = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
    if (next < 0) throw new Error('multipart part without a closing boundary');
    const content = body.subarray(start, next);
    const disposition = headers['content-disposition'] ?? '';
    const name = headerParam(disposition, 'name');
    if (name !== undefined) {
      const filename = headerParam(disposition, 'filename');
      if (filename !== undefined) {
        form.files[name] = { filename, contentType: headers['content-type'] ?? 'application/octet-stream', data: Buffer.from(content) };
      } else {
        form.fields[name] = formText(content, `the field '${name}'`);
      }
    }
    pos = next + 2;
  }
  return form;
}
