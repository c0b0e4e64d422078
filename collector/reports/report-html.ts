// A printable, self-contained HTML rendering of a signed report: inline CSS, no scripts, no external assets;
// every value is HTML-escaped. The signed JSON is embedded verbatim so the filed page can be verified later.
import type { SignedDocument } from './signature.js';
import type { ConsistencyReportBody, DiffSection, PairSection, RunSection, SideSection } from './report-types.js';

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font:12px/1.4 system-ui,sans-serif;margin:2em;color:#111}h1{font-size:18px}h2{font-size:15px;margin-top:2em;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#eee}.ok{color:#060}.bad{color:#a00;font-weight:bold}code,pre{font:11px ui-monospace,monospace;word-break:break-all;white-space:pre-wrap}
@media print{h2{page-break-before:auto}section{page-break-inside:avoid}}`;

function row(label: string, value: unknown): string {
  return `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
}

function side(name: string, s: SideSection): string {
  return `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(s.url)}</td><td>${escapeHtml(s.table)}</td><td>${escapeHtml(s.rows)}</td><td><code>${escapeHtml(s.merkleRoot)}</code></td><td>${escapeHtml(s.digestPath)}</td><td>${escapeHtml(s.where ?? '—')}</td><td>${escapeHtml(s.readPoint === '' ? 'not given by the engine' : s.readPoint)}</td></tr>`;
}

function diffs(title: string, d: DiffSection): string {
  if (d.total === 0) return `<p>${escapeHtml(title)}: none</p>`;
  const lines = d.first.map((x) => `<tr><td>${escapeHtml(x.seq)}</td><td>${escapeHtml(x.kind)}</td><td><code>${escapeHtml(JSON.stringify(x.key))}</code></td><td>${escapeHtml(x.columns.join(', '))}</td><td>${escapeHtml(x.firstSeen)}</td><td>${escapeHtml(x.lastSeen)}</td></tr>`);
  const more = d.more === null ? '' : `<p>${escapeHtml(d.total - d.first.length)} more: <code>${escapeHtml(d.more)}</code></p>`;
  return `<h4>${escapeHtml(title)}: ${escapeHtml(d.total)}</h4><table><tr><th>#</th><th>kind</th><th>key</th><th>columns</th><th>first seen</th><th>last seen</th></tr>${lines.join('')}</table>${more}`;
}

function runBlock(r: RunSection): string {
  const lagRows = r.lag.window.metrics.map((m) => `<tr><td>${escapeHtml(m.metric)}</td><td>${escapeHtml(m.samples)}</td><td>${escapeHtml(m.min)}</td><td>${escapeHtml(m.avg)}</td><td>${escapeHtml(m.p95)}</td><td>${escapeHtml(m.max)}</td></tr>`);
  return `<table>${row('run', r.id)}${row('verdict', r.verdict)}${row('started', r.startedAt)}${row('finished', r.finishedAt)}${row('trigger', `${r.trigger} by ${r.triggeredBy} (attempt ${r.attempt})`)}
${row('canonical encoding spec', `v${r.canonicalSpecVersion}, row hash ${r.rowHash}`)}${row('config fingerprint', r.configFingerprint)}
${row('chunks', `${r.chunks.leaves} compared, ${r.chunks.mismatchedLeaves} mismatched; ${r.chunks.segmentsDone}/${r.chunks.segments} segments`)}
${row('key', r.coverage.key?.join(', ') ?? 'the source primary key')}${row('columns', r.coverage.columns?.join(', ') ?? 'every source column')}
${row('skipped', r.coverage.skipped.length === 0 ? 'nothing' : r.coverage.skipped.map((s) => `${s.what}: ${s.why}`).join('; '))}
${row('chain link', `seq ${r.chainLink.seq}, prev ${r.chainLink.prevHash}, hash ${r.chainLink.recordHash}`)}</table>
<table><tr><th>side</th><th>store</th><th>table</th><th>rows</th><th>Merkle root</th><th>digest path</th><th>filter</th><th>read at</th></tr>${side('source', r.source)}${side('target', r.target)}</table>
${diffs('Confirmed differences', r.differences.confirmed)}${diffs('In-flight differences (converged on re-check)', r.differences.inFlight)}${diffs('Suspected differences', r.differences.suspected)}
<h4>Lag of pipeline ${escapeHtml(r.lag.window.pipeline)} from ${escapeHtml(r.lag.window.from)} to ${escapeHtml(r.lag.window.to)}</h4>
<p>During the run: ${escapeHtml(r.lag.duringRun.samples)} samples, min ${escapeHtml(r.lag.duringRun.minMs ?? '—')} ms, avg ${escapeHtml(r.lag.duringRun.avgMs ?? '—')} ms, max ${escapeHtml(r.lag.duringRun.maxMs ?? '—')} ms; grace ${escapeHtml(r.lag.duringRun.graceMs)} ms.</p>
${lagRows.length === 0 ? '<p>No lag points stored for this window.</p>' : `<table><tr><th>metric</th><th>samples</th><th>min</th><th>avg</th><th>p95</th><th>max</th></tr>${lagRows.join('')}</table>`}`;
}

function pairBlock(p: PairSection): string {
  const cls = p.outcome === 'consistent' ? 'ok' : 'bad';
  const chain = p.chain.intact
    ? `<p class="ok">Run chain intact: ${escapeHtml(p.chain.length)} runs, head ${escapeHtml(p.chain.head ?? '—')}</p>`
    : `<p class="bad">Run chain BROKEN at seq ${escapeHtml(p.chain.broken?.chainSeq ?? '?')}: ${escapeHtml(p.chain.broken?.reason ?? '')}</p>`;
  const attempt = p.newerUnfinishedAttempt === null ? '' : `<p>A newer run ${escapeHtml(p.newerUnfinishedAttempt.id)} ended ${escapeHtml(p.newerUnfinishedAttempt.status)} at ${escapeHtml(p.newerUnfinishedAttempt.finishedAt)} without a verdict: ${escapeHtml(p.newerUnfinishedAttempt.error)}</p>`;
  return `<section><h2>Pair ${escapeHtml(p.pair)} — <span class="${cls}">${escapeHtml(p.outcome.toUpperCase())}</span></h2><p>${escapeHtml(p.message)}</p>${attempt}${chain}${p.run === null ? '' : runBlock(p.run)}</section>`;
}

export function renderReportHtml(doc: SignedDocument<ConsistencyReportBody>, signedJson: string): string {
  const b = doc.body;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Consistency report as of ${escapeHtml(b.at)}</title><style>${STYLE}</style></head><body>
<h1>syncwatch consistency report as of ${escapeHtml(b.at)}</h1>
<table>${row('generated', b.generatedAt)}${row('requested by', b.requestedBy)}${row('scope', b.scope.pair ?? 'all pairs')}
${row('summary', `${b.summary.pairs} pairs: ${b.summary.consistent} consistent, ${b.summary.drift} drift, ${b.summary.noRun} without a run; chains ${b.summary.chainsIntact ? 'intact' : 'BROKEN'}`)}</table>
${b.pairs.map(pairBlock).join('\n')}
<h2>Signature</h2>
<table>${row('algorithm', doc.signature.algorithm)}${row('key id', doc.signature.keyId)}${row('signed', doc.signature.signed)}</table>
<p><code>${escapeHtml(doc.signature.signature)}</code></p>
<p>To verify, save the JSON below as report.json and run <code>syncwatch report verify report.json --server URL</code> (or <code>--key FILE</code> with the public keys from <code>GET /api/v1/reports/keys</code>).</p>
<pre id="signed-report">${escapeHtml(signedJson)}</pre>
</body></html>
`;
}
