import type { EndpointPair } from '../actors/endpoint-pair.js';
import { listPruneState } from '../pruner/list-prune-state.js';
import { type ProtectedSnapshot, type PruneFilesystemPlan, type PruneListing, type PruneSide, planPruneSide } from '../pruner/plan-prune-side.js';
import { keepRulesFromConfig } from '../pruning/keep-rules-from-config.js';

/** One side of a prune dry run: its rules as written and what they decide per filesystem. */
export interface PruneSideDryRun {
  side: PruneSide;
  /** Each keep rule in one line, e.g. `keep_sender[1] last_n count=10`. */
  rules: string[];
  filesystems: {
    filesystem: string;
    /** Snapshots the pruner would destroy, oldest first. */
    destroy: string[];
    /** Snapshots the rules would destroy but the pruner protects, and why (`job`: whose cursor it is). */
    protected: { name: string; reason: string; job?: string | undefined }[];
    /** Snapshots kept, with the rules that keep each one. */
    kept: { name: string; keptBy: string[] }[];
    problem?: string | undefined;
  }[];
}

/**
 * Lists one side exactly as the pruner does before planning (the same function): filesystems,
 * versions, other jobs' cursors, the other side's versions, and the sender's cursors.
 */
export function listPruneSide(endpoints: EndpointPair, side: PruneSide, jobId: string, signal: AbortSignal): Promise<PruneListing> {
  return listPruneState(endpoints, { side, jobId }, signal);
}

/** Why a snapshot is protected, in words: the reason, and for another job's cursor, whose. */
export function describeProtection(p: Pick<ProtectedSnapshot, 'job'> & { reason: string }): string {
  return p.job !== undefined ? `${p.reason} "${p.job}"` : p.reason;
}

/**
 * What one side's pruner would do, explained: the engine's own plan (`planPruneSide`) with each
 * rule named as the configuration writes it. Pure: it destroys nothing and calls no endpoint.
 */
export function pruneSideDryRun(listing: PruneListing, rulesConfig: readonly unknown[], side: PruneSide, jobId: string, now: number, rulesPath: string): PruneSideDryRun {
  const rules = keepRulesFromConfig(rulesConfig, rulesPath);
  const label = rulesPath.slice(rulesPath.lastIndexOf('.') + 1);
  const names = rulesConfig.map((rule, i) => `${label}[${i}] ${describeRule(rule)}`);
  const plans: PruneFilesystemPlan[] = planPruneSide(listing, rules, side, jobId, now);
  return {
    side,
    rules: names,
    filesystems: plans.map((plan) => ({
      filesystem: plan.filesystem,
      destroy: [...plan.destroy],
      protected: plan.protected.map((p) => ({ name: p.name, reason: p.reason, ...(p.job !== undefined ? { job: p.job } : {}) })),
      kept: plan.kept.map((k) => ({ name: k.name, keptBy: k.keptBy.map((i) => names[i] ?? `rule ${i}`) })),
      problem: plan.problem?.message,
    })),
  };
}

/** `last_n count=10 regex=^xrepl_`: a rule's type and fields in one line. */
export function describeRule(rule: unknown): string {
  if (typeof rule !== 'object' || rule === null) return String(rule);
  const { type, ...fields } = rule as Record<string, unknown>;
  const rest = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
  return [String(type), ...rest].join(' ');
}

/** The human-readable dry run of both sides. */
export function formatPruneDryRun(job: string, sides: readonly PruneSideDryRun[]): string {
  const lines = [`job ${job}: prune dry run (nothing is destroyed)`];
  for (const side of sides) {
    lines.push('', `${side.side}:`);
    lines.push(side.rules.length > 0 ? `  rules: ${side.rules.join('; ')}` : '  rules: none (keeps everything)');
    if (side.filesystems.length === 0) lines.push('  (no filesystems)');
    for (const fs of side.filesystems) {
      lines.push(`  ${fs.filesystem}`);
      if (fs.problem !== undefined) lines.push(`    problem: ${fs.problem}`);
      const rows: { name: string; text: string }[] = [
        ...fs.destroy.map((name) => ({ name, text: `would destroy  @${name}  (no rule keeps it)` })),
        ...fs.protected.map((p) => ({ name: p.name, text: `keep           @${p.name}  (the rules would destroy it, but: ${describeProtection(p)})` })),
        ...fs.kept.filter((k) => !fs.protected.some((p) => p.name === k.name)).map((k) => ({
          name: k.name,
          text: `keep           @${k.name}  (${k.keptBy.length > 0 ? `kept by ${k.keptBy.join(', ')}` : 'nothing is pruned here'})`,
        })),
      ];
      for (const row of rows) lines.push(`    ${row.text}`);
    }
  }
  const count = (side: PruneSide): number => sides.find((s) => s.side === side)?.filesystems.reduce((n, fs) => n + fs.destroy.length, 0) ?? 0;
  lines.push('', `would destroy ${count('sender')} snapshot(s) on the sender and ${count('receiver')} on the receiver`);
  return lines.join('\n');
}
