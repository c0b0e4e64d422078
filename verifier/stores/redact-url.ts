// Store URLs carry credentials; everything printed or persisted goes through here first.

/** `url` with its password (if any) replaced by `***`; unparsable text is replaced entirely. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url.toString());
  } catch {
    return '<unparsable URL>';
  }
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
