// YAML file + defaults → validated Config, or one SW_CONFIG_INVALID error listing every problem as `path: message`.
import { readFileSync } from 'node:fs';
import { FormatRegistry, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parseDocument } from 'yaml';
import { alertsConfigProblems } from '../../collector/alerts/config.js';
import { SyncwatchError } from '../errors.js';
import { explainErrors, nameListElements } from './problems.js';
import { ConfigSchema, type Config } from './schema.js';

if (!FormatRegistry.Has('url')) {
  FormatRegistry.Set('url', (text) => {
    try {
      return new URL(text).protocol.length > 1;
    } catch {
      return false;
    }
  });
}

/** `/pipelines/2/source/url` → `pipelines[2].source.url` — the way people read paths in a YAML file. */
export function toDottedPath(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc === '' ? part : `${acc}.${part}`), '');
}

function describeProblem(message: string, schema: { format?: unknown; description?: unknown }): string {
  if (schema.format === 'url') return 'must be a URL';
  return message.replace(/^Expected/, 'must be').replace(/^Unexpected property$/, 'unknown key');
}

export interface ValidateOptions {
  /** Lists (as JSON pointers, e.g. `/alerts/rules`) whose elements are named in problems by their `name`. */
  readonly namedLists?: readonly string[];
}

function invalid(source: string, problems: readonly string[]): SyncwatchError {
  return new SyncwatchError('SW_CONFIG_INVALID', `invalid configuration in ${source}:\n${[...new Set(problems)].join('\n')}`);
}

/** Validates a parsed document against `schema`; returns it with defaults applied or throws listing every problem. */
export function validateAgainst<S extends TSchema>(schema: S, raw: unknown, source: string, options: ValidateOptions = {}): Static<S> {
  const value: unknown = Value.Default(schema, Value.Clone(raw ?? {}));
  const problems = [...explainErrors(Value.Errors(schema, value))].map(
    (e) => `${nameListElements(e.path, value, options.namedLists ?? [], toDottedPath)}: ${describeProblem(e.message, e.schema as { format?: unknown })}`,
  );
  if (problems.length > 0) throw invalid(source, problems);
  return value;
}

/** Lists whose elements problems name, e.g. `alerts.rules[2] (lag_high).threshold: must be number`. */
const NAMED_LISTS = ['/alerts/rules', '/alerts/receivers'];

/** Validates the serve config file's content, including the alert rules' cross-field checks. */
export function validateConfig(raw: unknown, source: string, env: NodeJS.ProcessEnv = process.env): Config {
  return checkCrossFields(validateAgainst(ConfigSchema, raw, source, { namedLists: NAMED_LISTS }), source, env);
}

/** The checks a schema cannot express, run once the shape is right. */
function checkCrossFields(config: Config, source: string, env: NodeJS.ProcessEnv): Config {
  const problems = alertsConfigProblems(config.alerts, env);
  if (problems.length > 0) throw invalid(source, problems);
  return config;
}

/** Loads a YAML file and validates it against `schema` (defaults only, when no file is given). */
export function loadYamlFile<S extends TSchema>(schema: S, path: string | undefined, options: ValidateOptions = {}): Static<S> {
  if (path === undefined) return validateAgainst(schema, {}, 'defaults', options);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new SyncwatchError('SW_CONFIG_INVALID', `cannot read config file ${path} (${code}): pass an existing YAML file with --config`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => `line ${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0] ?? e.message}`);
    throw new SyncwatchError('SW_CONFIG_INVALID', `invalid YAML in ${path}:\n${lines.join('\n')}`);
  }
  return validateAgainst(schema, doc.toJS(), path, options);
}

/** Loads the serve config file (or defaults only, when no file is given). */
export function loadConfig(path: string | undefined): Config {
  return checkCrossFields(loadYamlFile(ConfigSchema, path, { namedLists: NAMED_LISTS }), path ?? 'defaults', process.env);
}
