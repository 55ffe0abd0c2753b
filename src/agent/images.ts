/**
 * Images a user attaches to a message. Each is checked (its type by its first bytes, its size),
 * copied into the session's own data folder under its SHA-256 (files 0600, folder 0700), and
 * logged by that hash only, never inlined, so the log stays small and the session keeps working
 * after the original file is gone. History carries a reference; the request gets the bytes as a
 * data URL just before it is sent.
 */

import { join } from "node:path";
import { Buffer } from "node:buffer";
import type { InputItem } from "../provider/item.ts";
import type { ModelRequest } from "../provider/request.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";

/** The image types the Responses API reads. */
export type ImageType = "image/png" | "image/jpeg" | "image/gif" | "image/webp";

/** An image of a message, as the log records it. */
export interface ImageRef {
  sha256: string;
  media_type: ImageType;
  bytes: number;
}

/** An image read and checked, not yet stored. */
export interface ImageBytes {
  bytes: Uint8Array<ArrayBuffer>;
  type: ImageType;
}

/** Largest image attached (the API's own limit per image). */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/** The scheme of a history reference to a stored image: `pixir-image:<sha256>`. */
const REF_SCHEME = "pixir-image:";

/** Why a file cannot be attached. */
export class ImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageError";
  }
}

/** The type of an image by its magic bytes; null when it is none Pixir can send. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (
    starts(0x47, 0x49, 0x46, 0x38) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61
  ) {
    return "image/gif";
  }
  if (
    starts(0x52, 0x49, 0x46, 0x46) && [0x57, 0x45, 0x42, 0x50].every((b, i) => bytes[8 + i] === b)
  ) {
    return "image/webp";
  }
  return null;
}

/** Whether the file at `path` starts like an image; false for anything unreadable. */
export async function looksLikeImage(path: string): Promise<boolean> {
  try {
    using file = await Deno.open(path);
    const head = new Uint8Array(16);
    const read = await file.read(head);
    return read !== null && sniffImageType(head.subarray(0, read)) !== null;
  } catch {
    return false;
  }
}

/** Reads an image file and checks it; throws ImageError saying what is wrong and the fix. */
export async function readImage(path: string): Promise<ImageBytes> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    throw new ImageError(
      error instanceof Deno.errors.NotFound
        ? `${path} does not exist`
        : `cannot read ${path}: ${error}`,
    );
  }
  if (!info.isFile) throw new ImageError(`${path} is not a file`);
  if (info.size > MAX_IMAGE_BYTES) {
    throw new ImageError(
      `${path} is ${megabytes(info.size)}, more than the ${
        megabytes(MAX_IMAGE_BYTES)
      } an image may be`,
    );
  }
  const bytes = await Deno.readFile(path);
  const type = sniffImageType(bytes);
  if (type === null) throw new ImageError(`${path} is not a PNG, JPEG, GIF or WebP image`);
  return { bytes, type };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The folder beside a session's log that keeps its images. */
export function imagesDirOf(logPath: string): string {
  return `${logPath.replace(/\.ndjson$/, "")}.images`;
}

/** Copies an image into the session's images folder (once per content) and returns its ref. */
export async function storeImage(
  logPath: string,
  image: ImageBytes,
): Promise<ImageRef> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", image.bytes));
  const sha256 = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  const dir = imagesDirOf(logPath);
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, sha256);
  const stored = await Deno.stat(path).then((s) => s.size === image.bytes.length, () => false);
  if (!stored) await writeFileAtomic(path, image.bytes, { mode: 0o600 });
  return { sha256, media_type: image.type, bytes: image.bytes.length };
}

/** The history's reference to a stored image, resolved by `withImageData` before sending. */
export function imageReference(ref: ImageRef): string {
  return `${REF_SCHEME}${ref.media_type};${ref.sha256}`;
}

/** Whether `request` refers to images kept in a session's data (whose bytes it must carry). */
export function refersToImages(request: ModelRequest): boolean {
  return request.input.some(hasReference);
}

/**
 * `request` with every stored-image reference of its input replaced by the image as a data URL,
 * read from the session's images folder; an image missing there becomes a note in its place.
 */
export async function withImageData(request: ModelRequest, logPath: string): Promise<ModelRequest> {
  if (!refersToImages(request)) return request;
  const input: InputItem[] = [];
  for (const item of request.input) {
    if (item.type !== "message" || item.role === "assistant" || !hasReference(item)) {
      input.push(item);
      continue;
    }
    const content = [];
    for (const part of item.content) {
      if (part.type !== "input_image" || !part.image_url.startsWith(REF_SCHEME)) {
        content.push(part);
        continue;
      }
      const [type, sha256] = part.image_url.slice(REF_SCHEME.length).split(";");
      const bytes = await Deno.readFile(join(imagesDirOf(logPath), sha256)).catch(() => null);
      content.push(
        bytes === null
          ? {
            type: "input_text" as const,
            text: `[an image (${sha256}) is missing from the session]`,
          }
          : {
            type: "input_image" as const,
            image_url: `data:${type};base64,${Buffer.from(bytes).toString("base64")}`,
          },
      );
    }
    input.push({ ...item, content });
  }
  return { ...request, input };
}

function hasReference(item: InputItem): boolean {
  return item.type === "message" && item.role !== "assistant" &&
    item.content.some((part) =>
      part.type === "input_image" && part.image_url.startsWith(REF_SCHEME)
    );
}
