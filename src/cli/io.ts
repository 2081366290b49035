/** Where a command writes and what environment it reads (process's own in main, captured in tests). */
export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Answers to questions (confirmAboveUsd); asked only when it and stderr are terminals. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}
