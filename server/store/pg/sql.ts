// Building parameterised SQL for `pg`: placeholders $1, $2 … numbered as values are added,
// so a statement's text depends only on its shape (which filters, how many keys) and
// PostgreSQL can cache its plan per connection (named statements, see `shapeName`).
export class Params {
  readonly values: unknown[] = [];
  /** A placeholder for `v`, with a cast when the context gives PostgreSQL no type. */
  add(v: unknown, cast?: string): string {
    this.values.push(v);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

/** Codes are digits only, so every code starting with `p` sorts in [p, p + ':') under
 * COLLATE "C" (the code columns' collation). */
export const prefixRange = (area: string): [string, string] => [area, area + ':'];

/** `%text%` for LIKE/ILIKE, with its own %, _ and \ taken literally (backslash is the escape). */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;

const names = new Map<string, string>();
/** A short stable name per statement text: `pg` prepares a named statement once per
 * connection and reuses its plan; the set of shapes is small (filters × key counts). */
export function shapeName(sql: string): string {
  let n = names.get(sql);
  if (!n) names.set(sql, (n = `s${names.size}`));
  return n;
}
