// Telling a PostgreSQL URL from a SQLite path, and printing one, without loading `pg`: the
// PostgreSQL driver (db/postgres.ts) is imported only when the database is on PostgreSQL.

/** A URL fit for logs: the password replaced. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

export const isPostgresUrl = (url: string | undefined): url is string => !!url && /^postgres(ql)?:\/\//i.test(url);
