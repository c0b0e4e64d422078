// Probe targets are URLs that may carry passwords; anything a probe logs, throws or labels goes through here.

/** `url` with its password replaced by `***`; text that is not a URL is replaced entirely. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<unparsable URL>';
  }
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

/** `host:port` of a URL (no user, no password, no path): what messages and labels name a server by. */
export function hostPortOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '<unparsable URL>';
  }
}

/** The password of each URL in the forms it may appear in a driver's error text (raw and percent-decoded). */
export function secretsOf(urls: readonly string[]): string[] {
  const secrets = new Set<string>();
  for (const url of urls) {
    let password: string;
    try {
      password = new URL(url).password;
    } catch {
      continue;
    }
    if (password === '') continue;
    secrets.add(password);
    try {
      secrets.add(decodeURIComponent(password));
    } catch {
      // a malformed escape: the raw form is all there is
    }
  }
  return [...secrets];
}

/**
 * `text` with every secret replaced by `***`. Drivers do not normally echo passwords, but a connection
 * string can end up in an error message (a parse failure, a DNS error on a mangled URL), so every error
 * text is scrubbed before it is logged or thrown.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}
