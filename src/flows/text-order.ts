/**
 * Orders strings by UTF-16 code unit, as `<` does: what sorting ISO-8601 timestamps, request IDs and
 * metric label names needs. `localeCompare` would order them by the locale's collation instead, and its
 * first call maps about 3 MB of ICU collation data into the process (a tenth of the heap).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
