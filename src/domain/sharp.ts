import type sharpModule from "sharp";

let loading: Promise<typeof sharpModule> | null = null;

/**
 * sharp, loaded on the first image Weft has to handle rather than at start: with libvips it is
 * ~10 MiB of memory and ~50 ms of start-up that a server nobody uploads to never needs.
 */
export function loadSharp(): Promise<typeof sharpModule> {
  loading ??= import("sharp").then((m) => m.default);
  return loading;
}
