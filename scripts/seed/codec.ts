// Rows from the generator's thread to the writer's, cheaply: the values of many rows go as
// one Float64Array (moved, not copied) with a kind per value, strings that recur (codes,
// ids, actions, statuses, notes, descriptions) as numbers into a vocabulary that is sent
// once, and only the one-off strings (photo hashes in `data`, client ids, reporters) as
// strings. Decoding gives back exactly the values encoded.

const NULL = 0, NUMBER = 1, WORD = 2, TEXT = 3;

export interface EncodedRows {
  rows: number;
  width: number;
  nums: Float64Array;
  kinds: Uint8Array;
  texts: string[];
}

/** The strings seen so far, each with its number; `fresh()` hands over the new ones. */
export class Vocabulary {
  private ids = new Map<string, number>();
  private added: string[] = [];
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      this.ids.set(s, (id = this.ids.size));
      this.added.push(s);
    }
    return id;
  }
  fresh(): string[] {
    const out = this.added;
    this.added = [];
    return out;
  }
}

/** Encodes rows of `width` values; columns whose index is in `oneOff` keep their strings. */
export class RowEncoder {
  private nums: Float64Array;
  private kinds: Uint8Array;
  private texts: string[] = [];
  private n = 0;
  /** Per column, the last string and its number: columns repeat themselves row after row. */
  private lastWord: unknown[];
  private lastId: Float64Array;
  private readonly free: Uint8Array;
  constructor(private readonly width: number, private readonly vocab: Vocabulary, oneOff: ReadonlySet<number>, private capacity = 4096) {
    this.nums = new Float64Array(capacity * width);
    this.kinds = new Uint8Array(capacity * width);
    this.lastWord = new Array(width).fill(null);
    this.lastId = new Float64Array(width);
    this.free = Uint8Array.from({ length: width }, (_, i) => (oneOff.has(i) ? 1 : 0));
  }
  get rows(): number {
    return this.n;
  }
  push(values: readonly unknown[]): void {
    if (values.length !== this.width) throw new Error(`codec: a row of ${values.length} values, expected ${this.width}`);
    if (this.n === this.capacity) this.grow();
    let at = this.n * this.width;
    for (let i = 0; i < values.length; i++, at++) {
      const v = values[i];
      if (v === null || v === undefined) this.kinds[at] = NULL;
      else if (typeof v === 'number') (this.kinds[at] = NUMBER), (this.nums[at] = v);
      else if (typeof v === 'string') {
        if (this.free[i]) (this.kinds[at] = TEXT), this.texts.push(v);
        else {
          this.kinds[at] = WORD;
          if (v !== this.lastWord[i]) (this.lastWord[i] = v), (this.lastId[i] = this.vocab.id(v));
          this.nums[at] = this.lastId[i];
        }
      } else throw new Error(`codec: cannot send a ${typeof v}`);
    }
    this.n++;
  }
  /** The rows so far (their buffers to be moved), and a fresh start. */
  take(): EncodedRows {
    const out = { rows: this.n, width: this.width, nums: this.nums.subarray(0, this.n * this.width), kinds: this.kinds.subarray(0, this.n * this.width), texts: this.texts };
    this.nums = new Float64Array(this.capacity * this.width);
    this.kinds = new Uint8Array(this.capacity * this.width);
    this.texts = [];
    this.n = 0;
    return out;
  }
  private grow(): void {
    this.capacity *= 2;
    const nums = new Float64Array(this.capacity * this.width);
    nums.set(this.nums);
    const kinds = new Uint8Array(this.capacity * this.width);
    kinds.set(this.kinds);
    this.nums = nums;
    this.kinds = kinds;
  }
}

/** Calls `row` with each row's values (one array, reused: copy it to keep it). */
export function decodeRows(e: EncodedRows, words: readonly string[], row: (values: unknown[]) => void): void {
  const values: unknown[] = new Array(e.width);
  let t = 0;
  for (let r = 0, at = 0; r < e.rows; r++) {
    for (let i = 0; i < e.width; i++, at++) {
      const k = e.kinds[at];
      values[i] = k === NUMBER ? e.nums[at] : k === WORD ? words[e.nums[at]] : k === TEXT ? e.texts[t++] : null;
    }
    row(values);
  }
}
