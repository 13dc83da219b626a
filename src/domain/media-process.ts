import { encode as encodeBlurhash } from "blurhash";
import type { Metadata, Sharp } from "sharp";
import { loadSharp } from "./sharp.ts";
import { DomainError } from "./errors.ts";

/*
 * Turns an uploaded file into what Weft stores and serves. Images are decoded and re-encoded
 * by sharp: turned upright by their EXIF orientation, then written out with no metadata at
 * all (no EXIF, no GPS, no camera serial, no ICC comments), scaled down past Mastodon's 8.3
 * megapixel ceiling, with a small preview and a blurhash. Video and audio are recognised by
 * their leading bytes and kept as uploaded (there is no transcoder on these machines).
 */

export const MEDIA_LIMITS = {
  maxBytes: 16 * 1024 * 1024,
  /** pixels sharp may decode; a file declaring more is refused before it is decoded */
  maxInputPixels: 100_000_000,
  /** Mastodon's limit for stored images: 3840×2160 worth of pixels */
  maxStoredPixels: 3840 * 2160,
  /** pixels of the small preview */
  previewPixels: 640 * 360,
  maxDescription: 1500,
} as const;

export type MediaKind = "image" | "gifv" | "video" | "audio";

export interface ImageVariant {
  bytes: Buffer;
  ext: "jpg" | "png" | "webp" | "gif";
  width: number;
  height: number;
}

export interface ProcessedMedia {
  kind: MediaKind;
  contentType: string;
  original: { bytes: Uint8Array; ext: string; width?: number; height?: number };
  small: ImageVariant | null;
  blurhash: string | null;
}

const invalid = (msg: string) => new DomainError("invalid", msg);

/** sharp formats accepted as images; SVG and friends are refused (scripts, external references). */
const IMAGE_FORMATS = new Set(["jpeg", "png", "webp", "gif", "heif"]);

/** Declared types clients may upload as video or audio, with what the leading bytes must show. */
const AV_TYPES: Record<string, { kind: "video" | "audio"; sniff: Sniffed[]; ext: string }> = {
  "video/mp4": { kind: "video", sniff: ["iso-bmff"], ext: "mp4" },
  "video/quicktime": { kind: "video", sniff: ["iso-bmff"], ext: "mov" },
  "video/webm": { kind: "video", sniff: ["ebml"], ext: "webm" },
  "video/ogg": { kind: "video", sniff: ["ogg"], ext: "ogv" },
  "audio/mpeg": { kind: "audio", sniff: ["mp3"], ext: "mp3" },
  "audio/mp3": { kind: "audio", sniff: ["mp3"], ext: "mp3" },
  "audio/mp4": { kind: "audio", sniff: ["iso-bmff"], ext: "m4a" },
  "audio/x-m4a": { kind: "audio", sniff: ["iso-bmff"], ext: "m4a" },
  "audio/aac": { kind: "audio", sniff: ["iso-bmff"], ext: "m4a" },
  "audio/ogg": { kind: "audio", sniff: ["ogg"], ext: "oga" },
  "audio/webm": { kind: "audio", sniff: ["ebml"], ext: "webm" },
  "audio/wav": { kind: "audio", sniff: ["wav"], ext: "wav" },
  "audio/wave": { kind: "audio", sniff: ["wav"], ext: "wav" },
  "audio/x-wav": { kind: "audio", sniff: ["wav"], ext: "wav" },
  "audio/flac": { kind: "audio", sniff: ["flac"], ext: "flac" },
  "audio/x-flac": { kind: "audio", sniff: ["flac"], ext: "flac" },
};

const CONTENT_TYPE_OF_EXT: Record<string, string> = {
  mp4: "video/mp4", mov: "video/quicktime", webm: "video/webm", ogv: "video/ogg", mp3: "audio/mpeg",
  m4a: "audio/mp4", oga: "audio/ogg", wav: "audio/wav", flac: "audio/flac",
};

type Sniffed = "iso-bmff" | "ebml" | "ogg" | "mp3" | "wav" | "flac";

function sniff(b: Uint8Array): Sniffed | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 12 && ascii(4, 8) === "ftyp") return "iso-bmff";
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return "ebml";
  if (b.length >= 4 && ascii(0, 4) === "OggS") return "ogg";
  if (b.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WAVE") return "wav";
  if (b.length >= 4 && ascii(0, 4) === "fLaC") return "flac";
  if (b.length >= 3 && ascii(0, 3) === "ID3") return "mp3";
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0) return "mp3";
  return null;
}

async function readImageHeader(bytes: Uint8Array): Promise<Metadata | null> {
  const sharp = await loadSharp();
  try {
    return await sharp(bytes, { limitInputPixels: false, animated: true }).metadata();
  } catch {
    return null;
  }
}

export async function processUpload(bytes: Uint8Array, declaredType: string | null): Promise<ProcessedMedia> {
  if (bytes.byteLength === 0) throw invalid("File is empty");
  if (bytes.byteLength > MEDIA_LIMITS.maxBytes) throw invalid("File is larger than 16 MB");
  const declared = (declaredType ?? "").split(";")[0].trim().toLowerCase();
  const av = AV_TYPES[declared];
  if (av) {
    const found = sniff(bytes);
    if (!found || !av.sniff.includes(found)) throw invalid("File content does not match its type");
    return { kind: av.kind, contentType: CONTENT_TYPE_OF_EXT[av.ext], original: { bytes, ext: av.ext }, small: null, blurhash: null };
  }
  const header = await readImageHeader(bytes);
  if (!header?.format || !IMAGE_FORMATS.has(header.format)) throw invalid("File type is not supported");
  return processImage(bytes, header);
}

function pixelsOf(meta: Metadata): number {
  const pages = meta.pages ?? 1;
  const height = meta.pageHeight ?? meta.height ?? 0;
  return (meta.width ?? 0) * height * pages;
}

function fitWithin(width: number, height: number, maxPixels: number): { width: number; height: number } {
  if (width * height <= maxPixels) return { width, height };
  const scale = Math.sqrt(maxPixels / (width * height));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

async function processImage(bytes: Uint8Array, meta: Metadata): Promise<ProcessedMedia> {
  // Checked on the header so a small file declaring a huge canvas is never decoded.
  if (!meta.width || !meta.height || pixelsOf(meta) > MEDIA_LIMITS.maxInputPixels) {
    throw invalid("Image dimensions are too large");
  }
  const animated = (meta.pages ?? 1) > 1 && (meta.format === "gif" || meta.format === "webp");
  const sharp = await loadSharp();
  const input = (): Sharp =>
    sharp(bytes, { limitInputPixels: MEDIA_LIMITS.maxInputPixels, animated, failOn: "error", sequentialRead: true });
  try {
    const original = animated ? await reencodeAnimated(input(), meta) : await reencodeStill(input(), meta);
    const small = await preview(original);
    const blurhash = await blurhashOf(original.bytes);
    return {
      kind: "image",
      contentType: { jpg: "image/jpeg", png: "image/png", webp: "image/webp", gif: "image/gif" }[original.ext],
      original,
      small,
      blurhash,
    };
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw invalid("The image could not be processed");
  }
}

async function reencodeStill(image: Sharp, meta: Metadata): Promise<ImageVariant> {
  // Orientation first, so the stored pixels are upright once the EXIF that said so is gone.
  const upright = meta.autoOrient ?? { width: meta.width!, height: meta.height! };
  const size = fitWithin(upright.width, upright.height, MEDIA_LIMITS.maxStoredPixels);
  let pipeline = image.autoOrient();
  if (size.width !== upright.width || size.height !== upright.height) pipeline = pipeline.resize(size.width, size.height, { fit: "fill" });
  // No keepMetadata()/withMetadata(): sharp writes none of the input's EXIF, XMP, IPTC or ICC data.
  let ext: ImageVariant["ext"];
  if (meta.format === "png") {
    ext = "png";
    pipeline = pipeline.png({ compressionLevel: 8 });
  } else if (meta.format === "webp") {
    ext = "webp";
    pipeline = pipeline.webp({ quality: 85 });
  } else if (meta.format === "jpeg" || !meta.hasAlpha) {
    // HEIF/AVIF and still GIFs become JPEG or PNG, which every client can show.
    ext = "jpg";
    pipeline = pipeline.jpeg({ quality: 85, mozjpeg: true });
  } else {
    ext = "png";
    pipeline = pipeline.png({ compressionLevel: 8 });
  }
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return { bytes: data, ext, width: info.width, height: info.height };
}

async function reencodeAnimated(image: Sharp, meta: Metadata): Promise<ImageVariant> {
  const ext = meta.format === "webp" ? "webp" : "gif";
  const out = ext === "webp" ? image.webp({ quality: 85 }) : image.gif();
  const { data, info } = await out.toBuffer({ resolveWithObject: true });
  return { bytes: data, ext, width: info.width, height: info.pageHeight ?? info.height };
}

async function preview(original: ImageVariant): Promise<ImageVariant> {
  const size = fitWithin(original.width, original.height, MEDIA_LIMITS.previewPixels);
  // The first frame of an animation: previews are still.
  const sharp = await loadSharp();
  const base = sharp(original.bytes).resize(size.width, size.height, { fit: "fill" });
  const hasAlpha = (await sharp(original.bytes).metadata()).hasAlpha;
  const { data, info } = await (hasAlpha ? base.png() : base.jpeg({ quality: 80, mozjpeg: true })).toBuffer({ resolveWithObject: true });
  return { bytes: data, ext: hasAlpha ? "png" : "jpg", width: info.width, height: info.height };
}

async function blurhashOf(bytes: Uint8Array): Promise<string | null> {
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(bytes).resize(32, 32, { fit: "inside" }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return encodeBlurhash(new Uint8ClampedArray(data), info.width, info.height, 4, 3);
  } catch {
    return null;
  }
}
