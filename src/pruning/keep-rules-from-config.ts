import { ConfigError } from '../domain/errors.js';
import { fieldPath } from './config-path.js';
import { keepGrid } from './grid.js';
import type { KeepRule } from './keep-rule.js';
import { keepLastN } from './last-n.js';
import { keepNotReplicated } from './not-replicated.js';
import { keepRegex } from './regex.js';
import { describeValue } from '../domain/describe-value.js';

/** The keep rule types zrepl's configuration knows, and the fields each one takes. */
export const KEEP_RULE_FIELDS = {
  not_replicated: ['type', 'keep_snapshot_at_cursor'],
  last_n: ['type', 'count', 'regex'],
  regex: ['type', 'regex', 'negate'],
  grid: ['type', 'grid', 'regex'],
} as const satisfies Record<string, readonly string[]>;

/** A keep rule type name, as written in the `type` field. */
export type KeepRuleType = keyof typeof KEEP_RULE_FIELDS;

type ConfigObject = Readonly<Record<string, unknown>>;

/**
 * Builds keep rules from their configuration (zrepl's `keep_sender` / `keep_receiver` lists),
 * checking every field. Throws a ConfigError whose path names the offending field: `[1].count`,
 * or `jobs[0].pruning.keep_sender[1].count` with `pathPrefix` `jobs[0].pruning.keep_sender`.
 */
export function keepRulesFromConfig(rules: readonly unknown[], pathPrefix = ''): KeepRule[] {
  if (!Array.isArray(rules)) {
    throw new ConfigError(`must be a list of keep rules, got ${describeValue(rules)}`, { path: pathPrefix || undefined });
  }
  return rules.map((rule: unknown, index) => keepRuleFromConfig(rule, `${pathPrefix}[${index}]`));
}

/** Builds one keep rule from its configuration; `path` names it in errors (e.g. `[1]`). */
export function keepRuleFromConfig(rule: unknown, path: string): KeepRule {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
    throw new ConfigError(`must be a keep rule object with a type, got ${describeValue(rule)}`, { path });
  }
  const config = rule as ConfigObject;
  const type = config['type'];
  if (type === undefined) {
    throw new ConfigError(`is required (one of ${knownTypes()})`, { path: fieldPath(path, 'type') });
  }
  if (typeof type !== 'string' || !isKeepRuleType(type)) {
    throw new ConfigError(`unknown keep rule type ${describeValue(type)}; expected one of ${knownTypes()}`, {
      path: fieldPath(path, 'type'),
    });
  }
  rejectUnknownFields(config, type, path);
  switch (type) {
    case 'not_replicated':
      return keepNotReplicated({
        keepSnapshotAtCursor: optionalBoolean(config, 'keep_snapshot_at_cursor', path),
      });
    case 'last_n':
      return keepLastN(
        { count: requiredNumber(config, 'count', type, path), regex: optionalString(config, 'regex', path) },
        path,
      );
    case 'regex':
      return keepRegex(
        { regex: requiredString(config, 'regex', type, path), negate: optionalBoolean(config, 'negate', path) },
        path,
      );
    case 'grid':
      return keepGrid(
        { grid: requiredString(config, 'grid', type, path), regex: requiredString(config, 'regex', type, path) },
        path,
      );
  }
}

function isKeepRuleType(type: string): type is KeepRuleType {
  return Object.hasOwn(KEEP_RULE_FIELDS, type);
}

function knownTypes(): string {
  return Object.keys(KEEP_RULE_FIELDS).join(', ');
}

function rejectUnknownFields(config: ConfigObject, type: KeepRuleType, path: string): void {
  const allowed: readonly string[] = KEEP_RULE_FIELDS[type];
  for (const field of Object.keys(config)) {
    if (!allowed.includes(field)) {
      throw new ConfigError(`unknown field for a ${type} rule; its fields are ${allowed.join(', ')}`, {
        path: fieldPath(path, field),
      });
    }
  }
}

function requiredNumber(config: ConfigObject, field: string, type: KeepRuleType, path: string): number {
  const value = config[field];
  if (value === undefined) throw new ConfigError(`is required for a ${type} rule`, { path: fieldPath(path, field) });
  if (typeof value !== 'number') {
    throw new ConfigError(`must be a number, got ${describeValue(value)}`, { path: fieldPath(path, field) });
  }
  return value;
}

function requiredString(config: ConfigObject, field: string, type: KeepRuleType, path: string): string {
  const value = config[field];
  if (value === undefined) throw new ConfigError(`is required for a ${type} rule`, { path: fieldPath(path, field) });
  if (typeof value !== 'string') {
    throw new ConfigError(`must be a string, got ${describeValue(value)}`, { path: fieldPath(path, field) });
  }
  return value;
}

function optionalString(config: ConfigObject, field: string, path: string): string | undefined {
  const value = config[field];
  if (value === undefined || typeof value === 'string') return value;
  throw new ConfigError(`must be a string, got ${describeValue(value)}`, { path: fieldPath(path, field) });
}

function optionalBoolean(config: ConfigObject, field: string, path: string): boolean | undefined {
  const value = config[field];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new ConfigError(`must be true or false, got ${describeValue(value)}`, { path: fieldPath(path, field) });
}

