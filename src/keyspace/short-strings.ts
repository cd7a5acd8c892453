// Short string values packed into byte pages outside the JS heap, as Redis keeps an embstr inline
// with its object. A table bucket then holds a small integer handle instead of a pointer to a
// string, which matters to V8's collector in two ways: a SET stores no young object into an old
// table (no remembered-set entry, nothing for the scavenger to copy out of the young generation),
// and a million values are a million fewer objects for every full collection to mark.
// Reads build a fresh string, which dies young. Pure data structure: no keyspace semantics.

import { slice } from '../util/latin1.js';

/** The longest value packed (one length byte plus the bytes fit the largest 48-byte slot). */
export const SHORT_MAX = 47;

const PAGE_SHIFT = 16;
const PAGE_SIZE = 1 << PAGE_SHIFT;
const OFFSET_MASK = PAGE_SIZE - 1;
/** Handles are page << 16 | offset and stay below 2^30 (a small integer on every V8 build). */
const MAX_PAGES = 1 << 14;
/** Slots are multiples of 8 bytes: class c holds values of up to 8c - 1 bytes. */
const CLASSES = (SHORT_MAX + 1) >> 3;

const classOf = (len: number): number => (len + 8) >> 3;

export class ShortStrings {
  private readonly pages: Buffer[] = [];
  /**
   * The slot class of each page: replacing or releasing a value reads this (in cache) rather
   * than the value's own length byte (a cache miss before the write that follows).
   */
  private readonly pageClass = new Uint8Array(MAX_PAGES);
  /** Per class: freed slots to reuse first, then the next unused slot of its newest page (-1: none). */
  private readonly free: number[][] = Array.from({ length: CLASSES + 1 }, () => []);
  private readonly tail = new Array<number>(CLASSES + 1).fill(-1);
  /** Bytes of pages allocated (INFO and MEMORY count them with the dataset). */
  bytes = 0;

  /**
   * Packs s (at most SHORT_MAX chars). -1 when it cannot be: the pages are exhausted, or s has a
   * char above 0xff (not a byte string; never expected, but then it must stay a JS string).
   */
  store(s: string): number {
    const h = this.allocate(classOf(s.length));
    if (h < 0) return -1;
    if (this.write(h, s)) return h;
    this.release(h);
    return -1;
  }

  /**
   * Replaces the string at h with s, in place when both fit the same slot size. h is released
   * unless it is returned; -1 (as store) leaves s to be kept as a JS string.
   */
  replace(h: number, s: string): number {
    if (this.pageClass[h >>> PAGE_SHIFT] === classOf(s.length)) {
      if (this.write(h, s)) return h;
      this.release(h);
      return -1;
    }
    const n = this.store(s);
    this.release(h);
    return n;
  }

  read(h: number): string {
    const page = this.pages[h >>> PAGE_SHIFT]!;
    const o = h & OFFSET_MASK;
    return slice(page, o + 1, o + 1 + page[o]!);
  }

  release(h: number): void {
    this.free[this.pageClass[h >>> PAGE_SHIFT]!]!.push(h);
  }

  /** False (and the slot garbled) when s is not a byte string. */
  private write(h: number, s: string): boolean {
    const page = this.pages[h >>> PAGE_SHIFT]!;
    let o = h & OFFSET_MASK;
    page[o++] = s.length;
    let all = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      all |= c;
      page[o++] = c;
    }
    return all <= 0xff;
  }

  private allocate(c: number): number {
    const reuse = this.free[c]!;
    if (reuse.length > 0) return reuse.pop()!;
    let h = this.tail[c]!;
    if (h < 0) {
      if (this.pages.length >= MAX_PAGES) return -1;
      h = this.pages.length << PAGE_SHIFT;
      this.pageClass[this.pages.length] = c;
      this.pages.push(Buffer.allocUnsafe(PAGE_SIZE));
      this.bytes += PAGE_SIZE;
    }
    // The slot after this one, if the page has room for it.
    const next = (h & OFFSET_MASK) + c * 8;
    this.tail[c] = next + c * 8 <= PAGE_SIZE ? h + c * 8 : -1;
    return h;
  }
}
