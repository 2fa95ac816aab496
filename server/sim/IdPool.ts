/**
 * Short ids (0..size-1) for things the position stream names in two bytes or less. Freed ids go
 * to the back of the queue, so an id is reused as late as possible: a client never confuses a
 * newcomer with the tadpole that held its id a moment ago.
 */
export class IdPool {
  private readonly free: Int32Array;
  private head = 0;
  private count: number;

  constructor(readonly size: number) {
    this.free = new Int32Array(size);
    for (let i = 0; i < size; i++) this.free[i] = i;
    this.count = size;
  }

  /** The next id, or -1 when all are taken. */
  take(): number {
    if (this.count === 0) return -1;
    const id = this.free[this.head];
    this.head = (this.head + 1) % this.size;
    this.count--;
    return id;
  }

  give(id: number): void {
    if (this.count === this.size) throw new Error(`IdPool: id ${id} returned twice`);
    this.free[(this.head + this.count) % this.size] = id;
    this.count++;
  }
}
