// Group commit: rows that arrive while a write is in flight go to the store together in the
// next statement. A hundred single-record POSTs a second then cost a few transactions, not a
// hundred queued one behind another, and each caller still gets its answer only after the
// statement holding its rows has committed.

interface Waiting<Row, Out> {
  rows: Row[];
  resolve: (written: Out[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Wraps `write` (rows in, one result per row out, in order) so that concurrent calls share
 * statements of at most `maxRows` rows. A failed statement fails every call it held: none of
 * them was acknowledged, and each caller answers with an error.
 */
export function groupCommit<Row, Out>(write: (rows: Row[]) => Promise<Out[]>, maxRows = 1000): (rows: Row[]) => Promise<Out[]> {
  const queue: Waiting<Row, Out>[] = [];
  let writing = false;

  async function drain(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      const group: Waiting<Row, Out>[] = [];
      let count = 0;
      // Whole calls only: one call's rows are never split across statements.
      while (queue.length > 0 && (group.length === 0 || count + (queue[0] as Waiting<Row, Out>).rows.length <= maxRows)) {
        const next = queue.shift() as Waiting<Row, Out>;
        group.push(next);
        count += next.rows.length;
      }
      try {
        const written = await write(group.flatMap((waiting) => waiting.rows));
        let offset = 0;
        for (const waiting of group) {
          waiting.resolve(written.slice(offset, offset + waiting.rows.length));
          offset += waiting.rows.length;
        }
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
    writing = false;
  }

  return (rows) =>
    new Promise<Out[]>((resolve, reject) => {
      queue.push({ rows, resolve, reject });
      if (!writing) void drain();
    });
}
