/** Ids per statement: well inside SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
export const ID_CHUNK = 5000;

/** Items in slices of at most `size`, for set-based statements over many ids. */
export function chunks<T>(items: readonly T[], size = ID_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
