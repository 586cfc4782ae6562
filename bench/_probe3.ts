import { writeFile, chmod } from 'node:fs/promises';
import { createBenchPools, sh, REAL_ZFS } from './lib/real-zfs.js';
import { libraryJob, runLibrary } from './lib/xrepl-runner.js';
const pools = await createBenchPools(['s', 'd'], 256 * 2 ** 20);
try {
  const src = pools.pool('s'), dst = pools.pool('d');
  await sh(REAL_ZFS, 'create', `${src}/t`); await sh(REAL_ZFS, 'create', `${src}/t/a`);
  await sh(REAL_ZFS, 'snapshot', '-r', `${src}/t@s1`);
  await sh(REAL_ZFS, 'create', `${dst}/x`);
  const w = `${pools.dir}/zfsw`;
  await writeFile(w, `#!/bin/sh\necho "$(date +%s.%N) start $*" >> ${pools.dir}/log\n${REAL_ZFS} "$@"; r=$?\necho "$(date +%s.%N) end $1" >> ${pools.dir}/log\nexit $r\n`); await chmod(w, 0o755);
  const job = libraryJob({ name: 'p', sourceRoot: `${src}/t`, rootFs: `${dst}/x`, concurrency: 1 }, w);
  const t0 = Date.now() / 1000;
  await runLibrary(job); const t1 = Date.now()/1000;
  await runLibrary(job); const t2 = Date.now()/1000;
  job.stop();
  console.log('t0', t0.toFixed(3), 'initial', (t1 - t0).toFixed(3), 'noop', (t2 - t1).toFixed(3));
  console.log((await sh('cat', `${pools.dir}/log`)).split('\n').map(l => { const [ts, ...r] = l.split(' '); return `${(Number(ts) - t0).toFixed(3)} ${r.join(' ')}`; }).join('\n'));
} finally { await pools.destroy(); }
