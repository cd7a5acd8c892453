// A small HDR histogram with the bucket layout Redis uses for per-command latency (lowest
// discernible value 1, highest trackable 1e9, 2 significant figures), so that INFO latencystats
// percentiles and LATENCY HISTOGRAM buckets come out as the same numbers Redis reports.
// Pure data structure: no clock, no server knowledge.

/** Layout constants derived once from (lowest=1, highest=1e9, significant figures=2). */
const SUB_BUCKET_COUNT_MAGNITUDE = 8; // ceil(log2(2 * 10^2))
const SUB_BUCKET_HALF_MAGNITUDE = SUB_BUCKET_COUNT_MAGNITUDE - 1;
const SUB_BUCKET_COUNT = 1 << SUB_BUCKET_COUNT_MAGNITUDE;
const SUB_BUCKET_HALF = SUB_BUCKET_COUNT >> 1;
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
export const HDR_MIN = 1;
export const HDR_MAX = 1_000_000_000;
const BUCKET_COUNT = bucketsNeeded();
const COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF;

function bucketsNeeded(): number {
  let smallestUntrackable = SUB_BUCKET_COUNT;
  let n = 1;
  while (smallestUntrackable <= HDR_MAX) {
    smallestUntrackable *= 2;
    n++;
  }
  return n;
}

/** Number of bits needed to represent v (v > 0, v < 2^53). */
function bitLength(v: number): number {
  return v < 2 ** 31 ? 32 - Math.clz32(v) : Math.floor(Math.log2(v)) + 1;
}

function bucketIndex(v: number): number {
  return bitLength(v | SUB_BUCKET_MASK) - (SUB_BUCKET_HALF_MAGNITUDE + 1);
}

/** 2^0 .. 2^52: `2 ** b` with a variable exponent is a call to pow() on the hot path. */
const POW2 = Array.from({ length: 53 }, (_, i) => 2 ** i);

function subBucketIndex(v: number, bucket: number): number {
  return Math.floor(v / POW2[bucket]!);
}

function countsIndex(bucket: number, sub: number): number {
  return ((bucket + 1) << SUB_BUCKET_HALF_MAGNITUDE) + (sub - SUB_BUCKET_HALF);
}

function valueAtIndex(index: number): number {
  let bucket = (index >> SUB_BUCKET_HALF_MAGNITUDE) - 1;
  let sub = (index & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
  if (bucket < 0) {
    sub -= SUB_BUCKET_HALF;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

/** The smallest value that falls in the same bucket as v. */
export function lowestEquivalent(v: number): number {
  const b = bucketIndex(v);
  return subBucketIndex(v, b) * 2 ** b;
}

/** The largest value that falls in the same bucket as v. */
export function highestEquivalent(v: number): number {
  const b = bucketIndex(v);
  const sub = subBucketIndex(v, b);
  const range = 2 ** (sub >= SUB_BUCKET_COUNT ? b + 1 : b);
  return sub * 2 ** b + range - 1;
}

export class HdrHistogram {
  private readonly counts = new Float64Array(COUNTS_LEN);
  total = 0;

  /** Records one value, clamped to [HDR_MIN, HDR_MAX] as Redis clamps command durations. */
  record(value: number): void {
    const v = value < HDR_MIN ? HDR_MIN : value > HDR_MAX ? HDR_MAX : Math.floor(value);
    const b = bucketIndex(v);
    this.counts[countsIndex(b, subBucketIndex(v, b))]!++;
    this.total++;
  }

  /** The value at a percentile (0..100), reported as the highest value of its bucket. */
  valueAtPercentile(percentile: number): number {
    const p = Math.min(percentile, 100);
    let wanted = Math.floor((p / 100) * this.total + 0.5);
    if (wanted < 1) wanted = 1;
    let seen = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      seen += this.counts[i]!;
      if (seen >= wanted) {
        const v = valueAtIndex(i);
        return percentile === 0 ? lowestEquivalent(v) : highestEquivalent(v);
      }
    }
    return 0;
  }

  /**
   * Cumulative counts at power-of-two reporting levels starting at `first` (1024, 2048, ...):
   * [highest value of the level's bucket, values recorded up to and including that bucket],
   * listing a level only when its cumulative count grew (LATENCY HISTOGRAM's shape).
   */
  cumulativeLog2(first: number): [number, number][] {
    const out: [number, number][] = [];
    let index = 0;
    let cumulative = 0;
    let previous = 0;
    for (let level = first; this.total > 0 && cumulative < this.total; level *= 2) {
      const levelIndex = Math.min(COUNTS_LEN - 1, countsIndex(bucketIndex(level), subBucketIndex(level, bucketIndex(level))));
      for (; index <= levelIndex; index++) cumulative += this.counts[index]!;
      if (cumulative > previous) out.push([highestEquivalent(level), cumulative]);
      previous = cumulative;
      if (levelIndex === COUNTS_LEN - 1) break;
    }
    return out;
  }
}
