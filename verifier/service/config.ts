// The `verification:` section of the serve config: pairs of stores compared on a cron schedule, and the checks the
// schema cannot express (cron syntax, unique pair names), reported as `verification.pairs[i].schedule: …`.
import { FormatRegistry, Type, type Static } from '@sinclair/typebox';
import cron from 'node-cron';

// Registered at import so that the schema check at config load already rejects a malformed expression.
if (!FormatRegistry.Has('cron')) FormatRegistry.Set('cron', (text) => cron.validate(text));

const StoreUrl = Type.String({ format: 'url', description: 'a store URL such as postgres://verifier@db:5432/app; a password in it is never logged' });
const Where = Type.String({ minLength: 1, maxLength: 10_000, description: 'row filter: trusted SQL ANDed into every query on this side' });

export const PairSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' }),
    pipeline: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$', description: 'pipeline whose lag metrics set the grace and the replica-lag pause' })),
    source: Type.Object({ url: StoreUrl, table: Type.String({ minLength: 1, maxLength: 300 }), where: Type.Optional(Where) }, { additionalProperties: false }),
    target: Type.Object(
      { url: StoreUrl, table: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })), where: Type.Optional(Where) },
      { additionalProperties: false },
    ),
    key: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 16 })),
    columns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 1000 })),
    schedule: Type.String({ format: 'cron', description: 'cron expression (node-cron; an optional leading seconds field)' }),
    chunkRows: Type.Integer({ minimum: 10, maximum: 10_000_000, default: 10_000, description: 'rows per Merkle leaf (about)' }),
    checkpointChunks: Type.Integer({ minimum: 1, maximum: 10_000, default: 8, description: 'leaves per checkpointed segment' }),
    throttle: Type.Object(
      {
        rowsPerSecond: Type.Optional(Type.Integer({ minimum: 1, description: 'rows read per second per side at most' })),
        maxReplicaLagSeconds: Type.Optional(Type.Number({ minimum: 0, description: "pause while the pipeline's measured lag exceeds this" })),
      },
      { additionalProperties: false, default: {} },
    ),
    graceSeconds: Type.Number({ minimum: 0, maximum: 86_400, default: 5, description: 'least wait before re-checking a difference' }),
    recheckRounds: Type.Integer({ minimum: 0, maximum: 20, default: 3, description: 're-checks of the differing keys before they are classified' }),
  },
  { additionalProperties: false },
);

export const VerificationConfigSchema = Type.Object(
  {
    pairs: Type.Array(PairSchema, { default: [] }),
  },
  { additionalProperties: false, default: {} },
);

export type PairConfig = Static<typeof PairSchema>;
export type VerificationConfig = Static<typeof VerificationConfigSchema>;

/** Every semantic problem of a schema-valid verification section, as `verification.…: message` lines. */
export function verificationConfigProblems(config: VerificationConfig): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  config.pairs.forEach((pair, i) => {
    const where = `verification.pairs[${i}]`;
    const earlier = seen.get(pair.name);
    if (earlier !== undefined) problems.push(`${where}.name: duplicate of verification.pairs[${earlier}] (${pair.name})`);
    else seen.set(pair.name, i);
    const detail = cron.validateDetailed(pair.schedule);
    if (!detail.valid) {
      const why = detail.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      problems.push(`${where}.schedule: not a valid cron expression ${JSON.stringify(pair.schedule)}${why === '' ? '' : ` (${why})`}`);
    }
  });
  return problems;
}
