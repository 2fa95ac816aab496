/** Per-id and per-cell tables are typed arrays that grow by doubling, so steady state allocates nothing. */
export type IntArray = Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** `array` if it already holds `length` items, else a copy with room for at least that many, the new items set to `fill`. */
export function ensureLength<T extends IntArray>(array: T, length: number, fill = 0): T {
  if (array.length >= length) return array;
  let capacity = Math.max(array.length * 2, 16);
  while (capacity < length) capacity *= 2;
  const grown = new (array.constructor as new (n: number) => T)(capacity);
  grown.set(array);
  if (fill !== 0) grown.fill(fill, array.length);
  return grown;
}
