// Imports nothing, so the reload fixture page (no vitest runner) can use it too.

/** The part numbers of the UploadPart requests this document sent (its resource timing). */
export function partRequests(): number[] {
  return performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name).searchParams.get('partNumber'))
    .filter((n): n is string => n !== null)
    .map(Number);
}
