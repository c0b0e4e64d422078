// Network interface throughput from /proc/net/dev.
import { perSecond } from './rate.js';

export interface InterfaceCounters {
  readonly iface: string;
  readonly receiveBytes: number;
  readonly transmitBytes: number;
}

/** Parses /proc/net/dev: `name: rx_bytes rx_packets ... (8 rx columns) tx_bytes ...`; headers are skipped. */
export function parseNetDev(text: string): InterfaceCounters[] {
  const out: InterfaceCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const iface = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    const [receiveBytes, transmitBytes] = [f[0], f[8]];
    if (iface === '' || receiveBytes === undefined || transmitBytes === undefined) continue;
    if (Number.isNaN(receiveBytes) || Number.isNaN(transmitBytes)) continue;
    out.push({ iface, receiveBytes, transmitBytes });
  }
  return out;
}

/** Loopback traffic is the host talking to itself; it is left out unless asked for. */
export function selectInterfaces(list: readonly InterfaceCounters[], includeLoopback: boolean): InterfaceCounters[] {
  return includeLoopback ? [...list] : list.filter((i) => i.iface !== 'lo');
}

export interface InterfaceRates {
  readonly iface: string;
  readonly receiveBytesPerSecond: number;
  readonly transmitBytesPerSecond: number;
}

/** Rates for interfaces present in both samples whose counters did not go backwards. */
export function networkRates(
  previous: readonly InterfaceCounters[],
  current: readonly InterfaceCounters[],
  elapsedMs: number,
): InterfaceRates[] {
  const before = new Map(previous.map((i) => [i.iface, i]));
  const rates: InterfaceRates[] = [];
  for (const now of current) {
    const then = before.get(now.iface);
    if (then === undefined) continue;
    const rx = perSecond(then.receiveBytes, now.receiveBytes, elapsedMs);
    const tx = perSecond(then.transmitBytes, now.transmitBytes, elapsedMs);
    if (rx === undefined || tx === undefined) continue;
    rates.push({ iface: now.iface, receiveBytesPerSecond: rx, transmitBytesPerSecond: tx });
  }
  return rates;
}
