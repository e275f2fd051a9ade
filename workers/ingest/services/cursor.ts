import { InvalidInputError } from "../../../shared/http/errors";

/** Opaque keyset cursor: the (createdAt, id) of the last row of the previous page. */
export type CursorPosition = { at: string; id: string };

export function encodeCursor(position: CursorPosition): string {
  return btoa(JSON.stringify([position.at, position.id])).replace(/=+$/, "");
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (!cursor) return undefined;
  try {
    const [at, id] = JSON.parse(atob(cursor)) as unknown[];
    // A position is a row's ISO-8601 UTC time and its id; anything else was not made here.
    if (typeof at === "string" && ISO_UTC.test(at) && typeof id === "string" && id.length > 0) return { at, id };
  } catch {
    // reported below
  }
  throw new InvalidInputError("The cursor is not one this API returned", [{ path: "cursor", message: "invalid cursor" }]);
}

/** Pages are fetched one row long to learn whether another page follows. */
export function pageOf<T>(rows: T[], limit: number, position: (row: T) => CursorPosition) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(position(last)) : null };
}

/** Short configuration lists keep their natural order; their opaque cursor is an offset. */
export type OffsetPage = { limit: number; offset: number };

export function offsetPageFrom(query: { limit: number; cursor?: string }): OffsetPage {
  if (!query.cursor) return { limit: query.limit, offset: 0 };
  let text = "";
  try {
    text = atob(query.cursor);
  } catch {
    // reported below
  }
  const match = /^o:(\d{1,9})$/.exec(text);
  if (!match) throw new InvalidInputError("The cursor is not one this API returned", [{ path: "cursor", message: "invalid cursor" }]);
  return { limit: query.limit, offset: Number(match[1]) };
}

/** Rows were fetched one past the page, to learn whether another page follows. */
export function offsetPageOf<T>(rows: T[], page: OffsetPage) {
  const more = rows.length > page.limit;
  return { items: rows.slice(0, page.limit), nextCursor: more ? btoa(`o:${page.offset + page.limit}`).replace(/=+$/, "") : null };
}
