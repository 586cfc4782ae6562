import { ConfigError } from '../domain/errors.js';

/** One thing wrong with a configuration file. */
export interface ConfigProblem {
  /** The key path, e.g. `jobs[0].pruning.keep_sender[1].count`; empty for the file as a whole. */
  path: string;
  /** What is wrong and what was expected. */
  message: string;
  /** The job the key belongs to, when it belongs to one. */
  job?: { index: number; name?: string | undefined };
  /** Line and column in the file (1-based), for YAML syntax errors. */
  line?: number;
  column?: number;
}

/** One line per problem: `file: jobs[0].root_fs (job "backup"): is empty`. */
export function formatConfigProblem(problem: ConfigProblem, source?: string): string {
  const where: string[] = [];
  if (source !== undefined) where.push(source + (problem.line !== undefined ? `:${problem.line}:${problem.column ?? 1}` : ''));
  let key = problem.path;
  if (problem.job !== undefined) {
    const jobLabel = problem.job.name !== undefined ? `job ${JSON.stringify(problem.job.name)}` : `job #${problem.job.index}`;
    key = key === '' ? jobLabel : `${key} (${jobLabel})`;
  }
  if (key !== '') where.push(key);
  return `${where.join(': ')}${where.length > 0 ? ': ' : ''}${problem.message}`;
}

/**
 * A configuration file xrepl refuses, with every problem found. Its message lists them all, one
 * per line; `path` is the first problem's key path.
 */
export class ConfigFileError extends ConfigError {
  /** Every problem, in file order where known. */
  readonly problems: readonly ConfigProblem[];
  /** The file (or a label such as `<demo>`). */
  readonly source: string | undefined;

  constructor(problems: readonly ConfigProblem[], source?: string) {
    const lines = problems.map((p) => formatConfigProblem(p, source));
    const head = problems.length === 1 ? 'invalid configuration' : `invalid configuration (${problems.length} problems)`;
    super(`${head}:\n  ${lines.join('\n  ')}`);
    this.problems = problems;
    this.source = source;
  }
}

/** Renders a zod-style path (`['jobs', 0, 'name']`) as `jobs[0].name`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = String(part);
      const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
      out += plain ? (out === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
