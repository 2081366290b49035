import { rmSync } from "node:fs";
import path from "node:path";
import type { AssetSpec } from "../../core/project.js";
import { BatchDisplayNameSchema, BatchRecordSchema } from "../../core/state-schemas.js";
import { writeFileAtomic } from "../state/atomic-write.js";
import { readRecords, type RejectedFile } from "../state/record-folder.js";

/** One request of a batch job: the spec hash is its key. */
export interface BatchItem {
  hash: string;
  name: string;
  output: string;
  spec: AssetSpec;
}

/**
 * A batch job this project started. Recorded with its unique display name BEFORE anything is
 * uploaded or created; the uploaded file's name and the job's name are added the moment they
 * are known. After a crash, a record without a job name is looked up by its display name
 * (create is not idempotent: a second create would be a second, paid, job).
 */
export interface BatchRecord {
  displayName: string;
  provider: "gemini";
  simulated: boolean;
  modelId: string;
  createdAt: string;
  items: BatchItem[];
  /** The uploaded JSONL (`files/…`), for file jobs. */
  fileName?: string;
  /** `batches/…`, once create answered (or the job was found by its display name). */
  jobName?: string;
}

/** `.nanobanana/batches/<display name>.json`, one small file per job, written atomically. */
export class BatchJournal {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "batches");
  }

  /** Visible to the next process the moment this returns (rename now, fsync in the background). */
  record(job: BatchRecord): void {
    writeFileAtomic(this.file(job.displayName), JSON.stringify(job), { flush: "background" });
  }

  /** Journal files that failed validation at the last load(), with why: never used, never deleted. */
  rejected: RejectedFile[] = [];

  /**
   * Every journalled job. Each file is checked against its strict schema and must be named
   * after its own display name: a crafted record (`"displayName": "../../victim"`, an output
   * outside the project, a hash or format that would name another file, a job name that
   * would change the URL) is refused and listed in `rejected`, so no path or URL is ever built
   * from it. Torn temp files are skipped.
   */
  load(): BatchRecord[] {
    const { records, rejected } = readRecords<BatchRecord>(this.dir, BatchRecordSchema, "displayName");
    this.rejected = rejected;
    return records;
  }

  remove(displayName: string): void {
    rmSync(this.file(displayName), { force: true });
    rmSync(this.inputFile(displayName), { force: true });
  }

  /** Where a file job's JSONL input is written before upload. */
  inputFile(displayName: string): string {
    return path.join(this.dir, `${BatchDisplayNameSchema.parse(displayName)}.input.jsonl`);
  }

  private file(displayName: string): string {
    // The file name comes from a display name: checked, or it could name a path outside.
    return path.join(this.dir, `${BatchDisplayNameSchema.parse(displayName)}.json`);
  }
}
