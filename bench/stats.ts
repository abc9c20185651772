// Summaries of a bench's measurements.

/** p-quantile (0..1) of an unsorted list. */
export function quantile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/** Least-squares slope of y over x in seconds, per hour (e.g. MB/h of an RSS series). */
export function slopePerHour(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0, den = 0;
  for (const [x, y] of points) num += (x - mx) * (y - my), den += (x - mx) ** 2;
  return (num / den) * 3600;
}

/** `total` split into `parts` near-equal shares, the larger first (10 in 4: 3, 3, 3, 1). */
export function split(total: number, parts: number): number[] {
  const each = Math.ceil(total / parts);
  return Array.from({ length: parts }, (_, k) => Math.max(0, Math.min(each, total - k * each)));
}
