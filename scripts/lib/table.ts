import { markdownTable } from "./report.ts";

/**
 * A report's table declared once: each column names what it shows (with its unit) and how its
 * cell is computed from one record, and optionally the goal it is held to. The markdown table,
 * the console line and the goal check all read the same declaration, so a new figure is one
 * entry, not a heading here and a cell there.
 */
export interface Column<T> {
  /** Heading (or, in a table of measures, the row's label), with the unit: "heap MB". */
  name: string;
  cell(record: T): string | number;
  /** The goal, when the figure has one: false means this record missed it. */
  met?(record: T): boolean;
}

/** One row per record, one column per declaration. */
export function table<T>(columns: ReadonlyArray<Column<T>>, records: readonly T[]): string[] {
  return markdownTable(columns.map((c) => c.name), records.map((r) => columns.map((c) => c.cell(r))));
}

/** Transposed: one row per declaration (a measure), one column per record (e.g. per link). */
export function measureTable<T>(corner: string, heads: readonly string[], measures: ReadonlyArray<Column<T>>, records: readonly T[]): string[] {
  return markdownTable([corner, ...heads], measures.map((m) => [m.name, ...records.map((r) => m.cell(r))]));
}

/** The declarations whose goal some record missed. */
export function missed<T>(columns: ReadonlyArray<Column<T>>, records: readonly T[]): Array<Column<T>> {
  return columns.filter((c) => c.met && records.some((r) => !c.met!(r)));
}

/** 398,118 B */
export const bytes = (n: number): string => `${Math.round(n).toLocaleString("en-US")} B`;
/** 5,161 ms */
export const ms = (n: number): string => `${Math.round(n).toLocaleString("en-US")} ms`;
