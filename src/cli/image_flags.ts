/**
 * `-i/--image FILE` (repeatable) on `run` and `resume`: images attached to the prompt, checked
 * before anything is sent, and copied into the session's data so the session outlives the files.
 */

import { resolve } from "node:path";
import { CliFailure } from "./failure.ts";
import {
  type ImageBytes,
  ImageError,
  type ImageRef,
  readImage,
  storeImage,
} from "../agent/images.ts";
import { modelInfo } from "../provider/models.ts";
import { cachedModels } from "../provider/model_catalog.ts";

/** Flag definitions. */
export const IMAGE_FLAGS = {
  image: { type: "string", short: "i", multiple: true },
} as const;

/** Their lines of the help text. */
export const IMAGE_FLAGS_HELP =
  `  -i, --image FILE     attach a PNG, JPEG, GIF or WebP image to the prompt (repeatable; at
                       most 20 MB each); the session keeps its own copy
`;

/**
 * Reads and checks every `--image` file; refuses (exit 2) an unreadable or oversized file, one
 * that is no supported image, and images for a model known to take none (`catalogFile`: the
 * subscription's cached model list, read, never fetched).
 */
export async function imagesFrom(
  files: readonly string[] | undefined,
  cwd: string,
  model: string,
  catalogFile: string,
): Promise<ImageBytes[]> {
  if (!files || files.length === 0) return [];
  const refusal = await imageRefusal(model, catalogFile);
  if (refusal) {
    throw new CliFailure("usage", `--image: ${refusal}`, {
      hint: "pick a model that reads images with --model (see `pixir models`)",
    });
  }
  const images: ImageBytes[] = [];
  for (const file of files) {
    try {
      images.push(await readImage(resolve(cwd, file)));
    } catch (error) {
      if (error instanceof ImageError) throw new CliFailure("usage", `--image: ${error.message}`);
      throw error;
    }
  }
  return images;
}

/** Why `model` cannot be given images, when the model list says it takes none. */
export async function imageRefusal(model: string, catalogFile: string): Promise<string | null> {
  const known = modelInfo(model, await cachedModels(catalogFile));
  return known.images === false ? `the model ${model} takes no images` : null;
}

/** Copies the images into the session's data; what the log refers to them by. */
export async function storeImages(
  logPath: string,
  images: readonly ImageBytes[],
): Promise<ImageRef[]> {
  const refs: ImageRef[] = [];
  for (const image of images) {
    try {
      refs.push(await storeImage(logPath, image));
    } catch (error) {
      throw new CliFailure("io", `cannot keep the image in the session's data: ${String(error)}`);
    }
  }
  return refs;
}
