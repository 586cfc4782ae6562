/** Everything the command was asked to do completed. */
export const EXIT_OK = 0;
/** Something failed (a replication, a prune, a snapshot); the report says what and why. */
export const EXIT_FAILED = 1;
/** The command line or the configuration is wrong; nothing was started. */
export const EXIT_USAGE = 2;
