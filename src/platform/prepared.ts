import type { Executor } from "./db";

/**
 * Compiled (prepared) queries for the hot paths, built once per database connection and
 * shared by every call. drizzle builds the SQL text of an ordinary query anew on every call,
 * which profiled as the largest single cost of a saga (see the README, "Performance"); a prepared
 * query binds placeholders into a statement compiled once.
 *
 * A database handle and every transaction opened on it share drizzle's session (one SQLite
 * connection), so the statements are cached per session and may run inside any transaction
 * of that connection: SQLite transactions belong to the connection, not to a statement.
 */
export function perConnection<T>(build: (db: Executor) => T): (executor: Executor) => T {
  const byConnection = new WeakMap<object, T>();
  return (executor) => {
    // `session` is drizzle's (internal) connection object, the same for a database and its transactions.
    const connection = (executor as unknown as { session: object }).session;
    let statements = byConnection.get(connection);
    if (!statements) {
      statements = build(executor);
      byConnection.set(connection, statements);
    }
    return statements;
  };
}
