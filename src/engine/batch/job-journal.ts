import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { AssetSpec } from "../../core/project.js";
import { writeFileAtomic } from "../state/atomic-write.js";

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

  load(): BatchRecord[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: BatchRecord[] = [];
    for (const n of names.filter((f) => f.endsWith(".json")).sort()) {
      try {
        out.push(JSON.parse(readFileSync(path.join(this.dir, n), "utf8")) as BatchRecord);
      } catch {
        // a torn temp file from a crash: ignore
      }
    }
    return out;
  }

  remove(displayName: string): void {
    rmSync(this.file(displayName), { force: true });
    rmSync(this.inputFile(displayName), { force: true });
  }

  /** Where a file job's JSONL input is written before upload. */
  inputFile(displayName: string): string {
    return path.join(this.dir, `${displayName}.input.jsonl`);
  }

  private file(displayName: string): string {
    return path.join(this.dir, `${displayName}.json`);
  }
}
