// Raw HTTP/1.1 over a socket, for requests a well-behaved client library refuses to send (conflicting lengths, broken
// chunking, garbage request lines): writes bytes, then reads every response until the server closes.
import { connect } from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface RawExchange {
  readonly responses: readonly RawResponse[];
  /** True when the server closed the connection; false when the timeout ended the exchange. */
  readonly closedByServer: boolean;
}

/**
 * Sends `bytes` to 127.0.0.1:port and parses what comes back. A list is written part by part, each after the server
 * answered something to the previous one; with `halfClose` the client ends its side after the last part.
 */
export function rawExchange(port: number, bytes: string | Buffer | readonly (string | Buffer)[], options: { halfClose?: boolean; timeoutMs?: number } = {}): Promise<RawExchange> {
  const parts = typeof bytes === 'string' || Buffer.isBuffer(bytes) ? [bytes] : [...bytes];
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closedByServer = false;
    const timer = setTimeout(() => { socket.destroy(); }, options.timeoutMs ?? 5_000);
    const writeNext = (): void => {
      const part = parts.shift();
      if (part !== undefined) socket.write(part, () => { if (parts.length === 0 && options.halfClose === true) socket.end(); });
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      writeNext();
    });
    socket.on('end', () => { closedByServer = true; });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset after the server answered still counts as the server closing.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') closedByServer = true;
      else reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve({ responses: parseResponses(Buffer.concat(chunks)), closedByServer });
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    writeNext();
  });
}

/** Splits a byte stream into HTTP/1.1 responses; bodies are framed by Content-Length (or run to the end). */
export function parseResponses(data: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', at);
    if (headEnd < 0) throw new Error(`incomplete response head: ${JSON.stringify(data.subarray(at).toString('latin1').slice(0, 200))}`);
    const [statusLine = '', ...lines] = data.subarray(at, headEnd).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
    if (status === undefined) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = headers['content-length'] === undefined ? data.length - headEnd - 4 : Number(headers['content-length']);
    const body = data.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
    responses.push({ status: Number(status), headers, body });
    at = headEnd + 4 + length;
  }
  return responses;
}
