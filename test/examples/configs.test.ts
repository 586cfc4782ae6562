import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/parse-config.js';

const files = readdirSync('examples/configs').filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));

describe('examples/configs', () => {
  it('has the local zfs and ssh push examples', () => {
    expect(files).toEqual(expect.arrayContaining(['local-zfs.yml', 'ssh-push.yml']));
  });

  it.each(files)('%s is a valid configuration', async (file) => {
    const config = await loadConfigFile(`examples/configs/${file}`);
    expect(config.jobs.length).toBeGreaterThan(0);
  });
});
