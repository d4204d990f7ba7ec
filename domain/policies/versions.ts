// Policy versions are semantic versions (x.y.z). This module has no other imports so that workflow
// code can compare a case's recorded policy version without loading the policy registry.

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export const versionAtLeast = (version: string, minimum: string): boolean =>
  compareVersions(version, minimum) >= 0;
