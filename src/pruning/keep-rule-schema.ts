import { z } from 'zod';

// The shapes of the keep rules, in zrepl's vocabulary. Checks that need more than a field's type
// (count >= 1, a regex that compiles, a grid that parses) stay with the rule builders, which name
// the field in their errors; this schema fixes which fields a rule has and of what type.

const notReplicatedRule = z.strictObject({
  type: z.literal('not_replicated'),
  /** Also keep the snapshot the replication cursor points at (default true). */
  keep_snapshot_at_cursor: z.boolean().optional(),
});

const lastNRule = z.strictObject({
  type: z.literal('last_n'),
  /** How many of the newest matching snapshots to keep; an integer >= 1. */
  count: z.number(),
  /** Only snapshots whose name matches count (unanchored). */
  regex: z.string().optional(),
});

const regexRule = z.strictObject({
  type: z.literal('regex'),
  /** Keep the snapshots whose name matches (unanchored). */
  regex: z.string(),
  /** Keep those that do not match instead. */
  negate: z.boolean().optional(),
});

const gridRule = z.strictObject({
  type: z.literal('grid'),
  /** zrepl's grid specification, e.g. `1x1h(keep=all) | 24x1h | 14x1d`. */
  grid: z.string(),
  /** The snapshots the grid applies to; a non-empty regex. */
  regex: z.string(),
});

/** The schema of each keep rule type, by its `type` name. */
export const KEEP_RULE_SCHEMAS = {
  not_replicated: notReplicatedRule,
  last_n: lastNRule,
  regex: regexRule,
  grid: gridRule,
} as const;

/**
 * The schema of one keep rule as written in configuration (zrepl's `keep_sender` /
 * `keep_receiver` entries). It gives both {@link KeepRuleConfig} and the validation that
 * `keepRulesFromConfig` and `createReplicationJob` apply.
 */
export const keepRuleSchema = z.discriminatedUnion('type', [notReplicatedRule, lastNRule, regexRule, gridRule]);

/**
 * One keep rule as written in configuration, e.g. `{ type: 'last_n', count: 10 }` or
 * `{ type: 'grid', grid: '1x1h(keep=all) | 24x1h', regex: '^zrepl_' }`. Unknown fields are refused.
 */
export type KeepRuleConfig = z.input<typeof keepRuleSchema>;

/** A keep rule type name, as written in the `type` field. */
export type KeepRuleType = KeepRuleConfig['type'];
