/**
 * Seedable 64-bit guids, so that a failing property test replays with the same guids. Two
 * 32-bit xorshift-multiply generators (mulberry32) feed the halves: plain number arithmetic keeps
 * a million guids well under a second, which 64-bit BigInt arithmetic does not. Zero is skipped:
 * ZFS never hands out guid 0, and the stream format uses it for "no base".
 */

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Returns a function that yields a deterministic sequence of non-zero 64-bit guids for the seed. */
export function createGuidGenerator(seed: number | bigint = Date.now()): () => bigint {
  const s = BigInt.asUintN(64, BigInt(seed));
  const high = mulberry32(Number(s >> 32n) ^ 0x9e3779b9);
  const low = mulberry32(Number(s & 0xffffffffn));
  const scratch = Buffer.alloc(8);
  return () => {
    for (;;) {
      scratch.writeUInt32BE(high(), 0);
      scratch.writeUInt32BE(low(), 4);
      const guid = scratch.readBigUInt64BE(0);
      if (guid !== 0n) return guid;
    }
  };
}
