import type { z } from 'zod';
import { ConfigError } from '../domain/errors.js';
import { fieldPath } from './config-path.js';
import { keepGrid } from './grid.js';
import type { KeepRule } from './keep-rule.js';
import { KEEP_RULE_SCHEMAS, type KeepRuleConfig, type KeepRuleType, keepRuleSchema } from './keep-rule-schema.js';
import { keepLastN } from './last-n.js';
import { keepNotReplicated } from './not-replicated.js';
import { keepRegex } from './regex.js';
import { describeValue } from '../domain/describe-value.js';

export type { KeepRuleConfig, KeepRuleType } from './keep-rule-schema.js';

/** The keep rule types zrepl's configuration knows, and the fields each one takes (from {@link keepRuleSchema}). */
export const KEEP_RULE_FIELDS: Readonly<Record<KeepRuleType, readonly string[]>> = {
  not_replicated: Object.keys(KEEP_RULE_SCHEMAS.not_replicated.shape),
  last_n: Object.keys(KEEP_RULE_SCHEMAS.last_n.shape),
  regex: Object.keys(KEEP_RULE_SCHEMAS.regex.shape),
  grid: Object.keys(KEEP_RULE_SCHEMAS.grid.shape),
};

type ConfigObject = Readonly<Record<string, unknown>>;

/**
 * Builds keep rules from their configuration (zrepl's `keep_sender` / `keep_receiver` lists),
 * checking every field. Throws a ConfigError whose path names the offending field: `[1].count`,
 * or `jobs[0].pruning.keep_sender[1].count` with `pathPrefix` `jobs[0].pruning.keep_sender`.
 * Takes `unknown` entries as well as {@link KeepRuleConfig}s: configuration files and JavaScript
 * callers are checked the same way.
 */
export function keepRulesFromConfig(rules: readonly unknown[], pathPrefix = ''): KeepRule[] {
  if (!Array.isArray(rules)) {
    throw new ConfigError(`must be a list of keep rules, got ${describeValue(rules)}`, { path: pathPrefix || undefined });
  }
  return rules.map((rule: unknown, index) => keepRuleFromConfig(rule, `${pathPrefix}[${index}]`));
}

/** Builds one keep rule from its configuration; `path` names it in errors (e.g. `[1]`). */
export function keepRuleFromConfig(rule: unknown, path: string): KeepRule {
  const config = parseKeepRuleConfig(rule, path);
  switch (config.type) {
    case 'not_replicated':
      return keepNotReplicated({ keepSnapshotAtCursor: config.keep_snapshot_at_cursor });
    case 'last_n':
      return keepLastN({ count: config.count, regex: config.regex }, path);
    case 'regex':
      return keepRegex({ regex: config.regex, negate: config.negate }, path);
    case 'grid':
      return keepGrid({ grid: config.grid, regex: config.regex }, path);
  }
}

/**
 * Checks one keep rule against {@link keepRuleSchema} and returns it typed; throws a ConfigError
 * naming the rule's offending field below `path` (e.g. `[1].count`).
 */
export function parseKeepRuleConfig(rule: unknown, path: string): z.output<typeof keepRuleSchema> {
  const result = keepRuleSchema.safeParse(rule);
  if (result.success) return result.data;
  throw configErrorOf(rule, result.error.issues, path);
}

function configErrorOf(rule: unknown, issues: readonly z.core.$ZodIssue[], path: string): ConfigError {
  if (!isConfigObject(rule)) {
    return new ConfigError(`must be a keep rule object with a type, got ${describeValue(rule)}`, { path });
  }
  const type = rule['type'];
  if (type === undefined) {
    return new ConfigError(`is required (one of ${knownTypes()})`, { path: fieldPath(path, 'type') });
  }
  if (typeof type !== 'string' || !isKeepRuleType(type)) {
    return new ConfigError(`unknown keep rule type ${describeValue(type)}; expected one of ${knownTypes()}`, {
      path: fieldPath(path, 'type'),
    });
  }
  // An unknown field first: `cout` for `count` is a misspelling, not a missing count.
  const unknownKeys = issues.find((issue) => issue.code === 'unrecognized_keys');
  const issue = unknownKeys ?? issues[0];
  if (issue?.code === 'unrecognized_keys') {
    return new ConfigError(`unknown field for a ${type} rule; its fields are ${KEEP_RULE_FIELDS[type].join(', ')}`, {
      path: fieldPath(path, issue.keys[0] ?? ''),
    });
  }
  const field = issue?.path[0];
  if (issue === undefined || typeof field !== 'string') {
    return new ConfigError(`is not a valid ${type} rule: ${issue?.message ?? 'no details'}`, { path });
  }
  const value = rule[field];
  const at = { path: fieldPath(path, field) };
  if (value === undefined) return new ConfigError(`is required for a ${type} rule`, at);
  if (issue.code === 'invalid_type') {
    const expected = issue.expected === 'boolean' ? 'true or false' : `a ${issue.expected}`;
    return new ConfigError(`must be ${expected}, got ${describeValue(value)}`, at);
  }
  return new ConfigError(`${issue.message}, got ${describeValue(value)}`, at);
}

function isConfigObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKeepRuleType(type: string): type is KeepRuleType {
  return Object.hasOwn(KEEP_RULE_FIELDS, type);
}

function knownTypes(): string {
  return Object.keys(KEEP_RULE_FIELDS).join(', ');
}
