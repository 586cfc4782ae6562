/**
 * The refusals of a receive that every endpoint words alike, so an operator reads the same advice
 * from a memory pool and from real ZFS.
 */
import { EndpointError } from '../domain/errors.js';

/** The refusal of a full receive onto an existing dataset that is not xrepl's to replace. */
export function datasetExistsError(filesystem: string, why: string): EndpointError {
  return new EndpointError(
    `cannot receive into ${filesystem}: it already exists and ${why}; xrepl replaces only its own placeholders and interrupted receives, ` +
      `so nothing was written to it. Rename it (zfs rename ${filesystem} ...), destroy it if it holds nothing you need ` +
      `(zfs destroy -r ${filesystem}), or choose another root_fs`,
    { kind: 'dataset-exists', dataset: filesystem },
  );
}

/** The refusal of a receive below a receiver root that does not exist. */
export function missingRootError(rootFs: string): EndpointError {
  return new EndpointError(
    `the receiver root_fs ${rootFs} does not exist: create it once (zfs create ${rootFs}), or let xrepl create it (the job's create_root_fs: true)`,
    { kind: 'dataset-not-found', dataset: rootFs },
  );
}

/** The refusal to create a receiver root whose parent is missing: nothing is created above root_fs. */
export function missingRootParentError(rootFs: string, parent: string, cause?: unknown): EndpointError {
  return new EndpointError(`cannot create the receiver root_fs ${rootFs}: its parent ${parent} does not exist, and xrepl creates nothing above root_fs`, {
    kind: 'dataset-not-found',
    dataset: rootFs,
    cause,
  });
}
