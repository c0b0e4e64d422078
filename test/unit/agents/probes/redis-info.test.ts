// INFO replication texts recorded from a real Redis 7 pair: at rest, with the replica process stopped
// (SIGSTOP), and with the replica detached (REPLICAOF NO ONE).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { findReplicaEntry, parseReplicationInfo, processedOffset } from '../../../../agents/probes/redis/replication-info.js';

function info(name: string): ReturnType<typeof parseReplicationInfo> {
  return parseReplicationInfo(readFileSync(new URL(`fixtures/redis-info-replication.${name}.txt`, import.meta.url), 'utf8'));
}

describe('parseReplicationInfo', () => {
  it('reads a primary and its replica at rest: same stream, same offset', () => {
    const primary = info('primary-rest');
    const replica = info('replica-rest');
    assert.equal(primary.role, 'master');
    assert.equal(primary.replicas.length, 1);
    assert.equal(primary.replicas[0]?.state, 'online');
    assert.equal(replica.role, 'slave');
    assert.equal(replica.linkUp, true);
    assert.equal(replica.syncInProgress, false);
    assert.ok(replica.lastIoSecondsAgo !== undefined && replica.lastIoSecondsAgo <= 1);
    assert.equal(processedOffset(replica, primary), primary.masterReplOffset);
  });

  it("keeps the primary's view of a stopped replica: its last acknowledged offset behind master_repl_offset", () => {
    const primary = info('primary-replica-stopped');
    const entry = primary.replicas[0];
    assert.ok(entry !== undefined);
    assert.equal(findReplicaEntry(primary, '127.0.0.1', entry.port), entry);
    assert.equal(findReplicaEntry(primary, 'replica.example', entry.port), entry, 'a unique port is enough');
    assert.equal(findReplicaEntry(primary, '127.0.0.1', entry.port + 1), undefined);
    assert.ok((primary.masterReplOffset ?? 0) - entry.offset > 0);
  });

  it("counts a detached replica's progress up to where it left the primary's stream", () => {
    const primary = info('primary-replica-detached');
    const replica = info('replica-detached');
    assert.equal(replica.role, 'master');
    assert.equal(replica.linkUp, false);
    assert.equal(primary.replicas.length, 0);
    assert.equal(replica.masterReplid2, primary.masterReplid);
    assert.equal(processedOffset(replica, primary), (replica.secondReplOffset ?? 0) - 1);
    assert.ok((primary.masterReplOffset ?? 0) > (processedOffset(replica, primary) ?? Infinity));
  });

  it('knows nothing of a replica on another stream, and tolerates LF or CRLF and junk lines', () => {
    const primary = parseReplicationInfo('role:master\r\nmaster_replid:aaa\r\nmaster_repl_offset:100\r\nslave0:ip=1.2.3.4,port=x\r\n');
    const other = parseReplicationInfo('# Replication\nrole:slave\nmaster_replid:bbb\nslave_repl_offset:90\nmaster_link_status:down\nmaster_last_io_seconds_ago:-1\nnonsense\n');
    assert.equal(primary.replicas.length, 0, 'an entry without a numeric port is skipped');
    assert.equal(processedOffset(other, primary), undefined);
    assert.equal(other.lastIoSecondsAgo, undefined);
    assert.equal(other.linkUp, false);
  });
});
