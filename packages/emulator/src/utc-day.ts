/**
 * Epoch ms of UTC midnight of day `d` of month `m` (0-based, may run over as in `Date.UTC`) of year `y`. Unlike
 * `Date.UTC`, which reads years 0–99 as 1900–1999, every year is taken as it is.
 */
export const utcDay = (y: number, m: number, d: number): number => new Date(0).setUTCFullYear(y, m, d);
