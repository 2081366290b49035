import type { ReferenceMime } from "./sniff.js";

/** What nanobanana knows about a local reference file. */
export interface FileFacts {
  sha256: string;
  bytes: number;
  /** Undefined when the bytes are not jpeg, png or webp. */
  mime?: ReferenceMime;
  /** What the bytes look like when they are not an accepted image. */
  looksLike: string;
}

/** Reads local reference files for expansion (the engine passes one in; core never touches the disk). */
export interface ReferenceFileReader {
  /** Facts about the file at `abs`, or why it cannot be used. */
  inspect(abs: string): FileFacts | { error: string };
}
