// A minimal HTTP(S) POST for the shipper. It uses node:http rather than the global fetch because loading
// fetch (undici) adds about 14 MB of resident memory, a quarter of the agent's budget; the shipper needs
// one request at a time over a kept-alive connection, a timeout and the status, nothing more.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { Agent as HttpsAgentType } from 'node:https';

export interface PostResult {
  readonly status: number;
  readonly retryAfter: string | null;
  /** The response body, cut at 64 KiB: only ever used for a log line or a rejection reason. */
  readonly body: string;
}

const MAX_RESPONSE_BYTES = 64 * 1024;
const KEEP_ALIVE = { keepAlive: true, maxSockets: 2 } as const;
const httpAgent = new HttpAgent(KEEP_ALIVE);
let https: { agent: HttpsAgentType; request: typeof httpRequest } | undefined;

/** POSTs `body` to `url`; rejects on network errors and when `signal` aborts (the request is destroyed). */
export async function post(url: URL, headers: Readonly<Record<string, string>>, body: Buffer, signal: AbortSignal): Promise<PostResult> {
  const transport = url.protocol === 'https:' ? await loadHttps() : { agent: httpAgent, request: httpRequest };
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'content-length': String(body.length) },
    agent: transport.agent,
    signal,
  };
  return new Promise((resolve, reject) => {
    const request = transport.request(url, options, (response) => { readResponse(response, resolve, reject); });
    request.on('error', reject);
    request.end(body);
  });
}

function readResponse(response: IncomingMessage, resolve: (result: PostResult) => void, reject: (err: Error) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    if (size >= MAX_RESPONSE_BYTES) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  response.on('error', reject);
  response.on('close', () => {
    if (!response.complete) {
      reject(new Error('the response was cut off'));
      return;
    }
    const retryAfter = response.headers['retry-after'];
    resolve({ status: response.statusCode ?? 0, retryAfter: retryAfter ?? null, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_BYTES) });
  });
}

/** TLS is loaded only for an https collector URL, so a plain-HTTP agent does not pay for it. */
async function loadHttps(): Promise<{ agent: HttpsAgentType; request: typeof httpRequest }> {
  if (https === undefined) {
    const module = await import('node:https');
    https = { agent: new module.Agent(KEEP_ALIVE), request: module.request };
  }
  return https;
}
