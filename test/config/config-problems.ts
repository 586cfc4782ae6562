import { ConfigFileError } from '../../src/config/config-problem.js';
import { parseConfig } from '../../src/config/parse-config.js';

/** The problems `parseConfig` reports for a config text, with their paths; empty when it is accepted. */
export function configProblems(text: string): { path: string; message: string }[] {
  try {
    parseConfig(text, 'test.yml');
  } catch (error) {
    if (error instanceof ConfigFileError) return error.problems.map((p) => ({ path: p.path, message: p.message }));
    throw error;
  }
  return [];
}

/** The lines of the error an operator sees for a config text (the file name line left out); empty when accepted. */
export function configProblemLines(text: string): string[] {
  try {
    parseConfig(text, 'test.yml');
  } catch (error) {
    if (error instanceof ConfigFileError) return error.message.split('\n').slice(1).map((line) => line.trim());
    throw error;
  }
  return [];
}
