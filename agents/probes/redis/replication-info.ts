// Parses `INFO replication` of a Redis primary or replica, and works out how much of the primary's
// replication stream a replica has processed — also after `REPLICAOF NO ONE`, when the replica keeps the
// primary's history as its secondary replication id.

/** One `slaveN:` line of a primary: a replica as the primary sees it (offset = its last acknowledgement). */
export interface ReplicaEntry {
  readonly ip: string;
  readonly port: number;
  readonly state: string;
  /** Replication offset the replica acknowledged (replicas ack once a second). */
  readonly offset: number;
  /** Seconds since that acknowledgement. */
  readonly lag: number;
}

export interface ReplicationInfo {
  readonly role: string;
  readonly masterReplid: string | undefined;
  readonly masterReplid2: string | undefined;
  readonly masterReplOffset: number | undefined;
  readonly secondReplOffset: number | undefined;
  /** Replica only: offset of the primary's stream processed so far. */
  readonly slaveReplOffset: number | undefined;
  /** Replica only: `master_link_status:up`. */
  readonly linkUp: boolean;
  /** Replica only: seconds since anything arrived from the primary; undefined when unknown (-1). */
  readonly lastIoSecondsAgo: number | undefined;
  readonly syncInProgress: boolean;
  /** Primary only: the replicas it is streaming to. */
  readonly replicas: readonly ReplicaEntry[];
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** `ip=127.0.0.1,port=6380,state=online,offset=42,lag=0` → entry; undefined when a field is missing. */
function parseReplicaEntry(text: string): ReplicaEntry | undefined {
  const fields = new Map(text.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
  const port = toNumber(fields.get('port'));
  const offset = toNumber(fields.get('offset'));
  const ip = fields.get('ip');
  if (ip === undefined || port === undefined || offset === undefined) return undefined;
  return { ip, port, state: fields.get('state') ?? '', offset, lag: toNumber(fields.get('lag')) ?? 0 };
}

/** Parses the text of `INFO replication` (CRLF or LF line ends, `# Replication` header, `key:value` lines). */
export function parseReplicationInfo(text: string): ReplicationInfo {
  const values = new Map<string, string>();
  const replicas: ReplicaEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const colon = line.indexOf(':');
    if (line === '' || line.startsWith('#') || colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (/^slave\d+$/.test(key)) {
      const entry = parseReplicaEntry(value);
      if (entry !== undefined) replicas.push(entry);
    } else {
      values.set(key, value);
    }
  }
  const lastIo = toNumber(values.get('master_last_io_seconds_ago'));
  return {
    role: values.get('role') ?? '',
    masterReplid: values.get('master_replid'),
    masterReplid2: values.get('master_replid2'),
    masterReplOffset: toNumber(values.get('master_repl_offset')),
    secondReplOffset: toNumber(values.get('second_repl_offset')),
    slaveReplOffset: toNumber(values.get('slave_repl_offset')),
    linkUp: values.get('master_link_status') === 'up',
    lastIoSecondsAgo: lastIo === undefined || lastIo < 0 ? undefined : lastIo,
    syncInProgress: values.get('master_sync_in_progress') === '1',
    replicas,
  };
}

/**
 * How far into `primary`'s replication stream `replica` has processed, or undefined when the replica is
 * not on that stream (a different history, or a full sync not finished). A detached replica (`REPLICAOF
 * NO ONE`) still counts: its secondary id is the primary's, valid up to `second_repl_offset - 1`.
 */
export function processedOffset(replica: ReplicationInfo, primary: ReplicationInfo): number | undefined {
  const id = primary.masterReplid;
  if (id === undefined) return undefined;
  if (replica.role === 'slave' && replica.masterReplid === id) return replica.slaveReplOffset ?? replica.masterReplOffset;
  if (replica.role === 'master' && replica.masterReplid2 === id && replica.secondReplOffset !== undefined && replica.secondReplOffset > 0) {
    return replica.secondReplOffset - 1;
  }
  return undefined;
}

/** The primary's entry for a replica listening on `host:port` (by port, and by address when `host` is one). */
export function findReplicaEntry(primary: ReplicationInfo, host: string, port: number): ReplicaEntry | undefined {
  const byPort = primary.replicas.filter((r) => r.port === port);
  return byPort.find((r) => r.ip === host) ?? (byPort.length === 1 ? byPort[0] : undefined);
}
