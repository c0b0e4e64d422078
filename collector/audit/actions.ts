// Which requests are audit-worthy actions, by route; everything else an admin or auditor does is "request".
export const AUDITED_ACTIONS: Readonly<Record<string, string>> = {
  'POST /api/v1/silences': 'silence.create',
  'DELETE /api/v1/silences/:id': 'silence.expire',
  'POST /api/v1/alerts/:id/ack': 'alert.acknowledge',
  'POST /api/v1/verifications': 'verification.trigger',
  'GET /api/v1/reports/consistency': 'report.download',
  'GET /api/v1/reports/chain': 'report.chain-check',
  'POST /api/v1/reports/keys/rotate': 'report.key-rotate',
  'GET /api/v1/audit': 'audit.read',
  'GET /api/v1/audit/chain': 'audit.chain-check',
  'POST /api/v1/config/reload': 'config.reload',
};

/** Body fields worth keeping per action (never whole bodies: they may grow to carry secrets). */
export const AUDITED_BODY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'silence.create': ['matchers', 'startsAt', 'endsAt', 'durationMs', 'comment'],
  'verification.trigger': ['pair'],
};

/** Ids an action created, picked from its JSON answer (e.g. the new silence's id). */
export function createdIds(payload: unknown): Record<string, string> {
  if (typeof payload !== 'object' || payload === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload as Record<string, unknown>)) {
    if (k === 'id' && typeof v === 'string') out['id'] = v;
    else if (typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string') out[`${k}Id`] = (v as { id: string }).id;
    else if ((k === 'runId' || k === 'keyId') && typeof v === 'string') out[k] = v;
  }
  return out;
}
