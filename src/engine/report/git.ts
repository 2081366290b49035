import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { UserError } from "../../core/errors/user-error.js";

const run = promisify(execFile);

/** The commit a ref names, or a UserError saying it does not name one here. */
export async function resolveRef(cwd: string, ref: string): Promise<string> {
  try {
    const { stdout } = await run("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd });
    return stdout.trim();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw new UserError("--since needs git, which is not installed");
    throw new UserError(`--since ${ref}: not a commit in the git repository of ${cwd}${e.stderr ? ` (${e.stderr.trim()})` : ""}`);
  }
}

/** A file's bytes at a commit (path relative to `cwd`), or undefined when it did not exist there. */
export async function fileAt(cwd: string, commit: string, rel: string): Promise<Buffer | undefined> {
  try {
    const { stdout } = await run("git", ["show", `${commit}:./${rel}`], { cwd, encoding: "buffer", maxBuffer: 512 * 1024 * 1024 });
    return stdout;
  } catch {
    return undefined;
  }
}
