import { randomUUID } from 'node:crypto';

/** A file part as shotgun_api3's FormPostHandler writes it. */
export interface PythonFile {
  field: string;
  /** Written between the quotes as is: FormPostHandler escapes nothing. */
  filename: string;
  contentType: string;
  data: Buffer;
}

/**
 * The multipart body and content type shotgun_api3 3.10.2's FormPostHandler sends: fields first, then files, each
 * file part with its `Content-Type` and `Content-Length`, a uuid4 boundary, nothing in a name or filename escaped.
 */
export function pythonMultipart(fields: Record<string, string>, files: PythonFile[]): { body: Buffer; contentType: string } {
  const b = randomUUID();
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.filename}"\r\nContent-Type: ${f.contentType}\r\nContent-Length: ${f.data.length}\r\n\r\n`), f.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${b}--\r\n\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${b}` };
}
