import { describe, expect, expectTypeOf, it } from 'vitest';
import { createMemoryPool } from '../../src/endpoint/memory/memory-pool.js';
import { ConfigError } from '../../src/domain/errors.js';
import { type KeepRuleConfig, keepRuleSchema } from '../../src/pruning/keep-rule-schema.js';
import { KEEP_RULE_FIELDS, keepRulesFromConfig } from '../../src/pruning/keep-rules-from-config.js';
import { createReplicationJob } from '../../src/runner/create-replication-job.js';

describe('keep rule schema', () => {
  it('types a misspelt field as an error: `cout` is no field of a last_n rule', () => {
    // @ts-expect-error `cout` is not a field of a last_n rule (and `count` is missing).
    const misspelt: KeepRuleConfig = { type: 'last_n', cout: 10 };
    // @ts-expect-error a rule type zrepl does not know.
    const unknownType: KeepRuleConfig = { type: 'keep_all' };
    const rules: KeepRuleConfig[] = [
      { type: 'not_replicated', keep_snapshot_at_cursor: false },
      { type: 'last_n', count: 10, regex: '^zrepl_' },
      { type: 'regex', regex: '^manual_', negate: true },
      { type: 'grid', grid: '1x1h(keep=all) | 24x1h', regex: '^zrepl_' },
    ];
    expectTypeOf<{ type: 'last_n'; cout: number }>().not.toExtend<KeepRuleConfig>();
    expectTypeOf<{ type: 'last_n'; count: number }>().toExtend<KeepRuleConfig>();
    expectTypeOf<KeepRuleConfig['type']>().toEqualTypeOf<'not_replicated' | 'last_n' | 'regex' | 'grid'>();
    // The values the type refuses, the schema refuses too; the ones it takes, the schema takes.
    expect(keepRuleSchema.safeParse(misspelt).success).toBe(false);
    expect(keepRuleSchema.safeParse(unknownType).success).toBe(false);
    for (const rule of rules) expect(keepRuleSchema.parse(rule)).toEqual(rule);
  });

  it('lists each rule type\'s fields from the schema', () => {
    expect(KEEP_RULE_FIELDS).toEqual({
      not_replicated: ['type', 'keep_snapshot_at_cursor'],
      last_n: ['type', 'count', 'regex'],
      regex: ['type', 'regex', 'negate'],
      grid: ['type', 'grid', 'regex'],
    });
  });

  it('refuses, from JavaScript, a misspelt field with a ConfigError naming the rule and the field', () => {
    // What a JavaScript caller (or a cast) can pass: no type stops it, the schema does.
    const fromJs: readonly unknown[] = [{ type: 'not_replicated' }, { type: 'last_n', cout: 10 }];
    expect(() => keepRulesFromConfig(fromJs, 'keep_sender')).toThrow(ConfigError);
    expect(() => keepRulesFromConfig(fromJs, 'keep_sender')).toThrow(
      /^keep_sender\[1\]\.cout: unknown field for a last_n rule; its fields are type, count, regex$/,
    );
  });

  it('makes createReplicationJob refuse a misspelt rule at compile time', () => {
    const src = createMemoryPool({ name: 'src', seed: 1 });
    const dst = createMemoryPool({ name: 'dst', seed: 2 });
    const build = (): unknown =>
      createReplicationJob({
        name: 'ts_job',
        sender: src.sender({}),
        receiver: dst.receiver({ rootFs: 'backup' }),
        // @ts-expect-error `cout` is not a field of a last_n rule: the option is typed by the schema.
        keepSender: [{ type: 'last_n', cout: 10 }],
      });
    // And at run time it is refused too, naming the field.
    expect(build).toThrow(/keep_sender\[0\]\.cout/);
  });

  it('makes createReplicationJob refuse a misspelt rule passed from JavaScript, naming it', () => {
    const src = createMemoryPool({ name: 'src', seed: 1 });
    const dst = createMemoryPool({ name: 'dst', seed: 2 });
    const options: Parameters<typeof createReplicationJob>[0] = {
      name: 'js_job',
      sender: src.sender({}),
      receiver: dst.receiver({ rootFs: 'backup' }),
    };
    const keepReceiver: unknown = [{ type: 'grid', grid: '1x1h', regex: '.*', keep: 3 }];
    // Reflect.set stands in for untyped JavaScript: the option arrives unchecked by TypeScript.
    Reflect.set(options, 'keepReceiver', keepReceiver);
    let error: unknown;
    try {
      createReplicationJob(options);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error instanceof ConfigError ? error.path : undefined).toBe('keep_receiver[0].keep');
    expect(String(error instanceof Error ? error.message : error)).toMatch(/^keep_receiver\[0\]\.keep: unknown field for a grid rule/);
  });
});
