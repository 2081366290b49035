/** Where in a source file a problem is. Line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
}

/** One problem with the user's input, pointing at the file and the field. */
export interface Issue extends SourceLocation {
  /** Dotted path to the field, e.g. `assets[2].aspectRatio`. */
  path: string;
  message: string;
}

/** Formats an issue as `file:line:col  path: message`. */
export function formatIssue(issue: Issue): string {
  const where = [issue.file, issue.line, issue.line ? issue.col : undefined].filter((x) => x !== undefined).join(":");
  return issue.path ? `${where}  ${issue.path}: ${issue.message}` : `${where}  ${issue.message}`;
}

/**
 * A problem with configuration, manifests or command-line usage: the user can fix it.
 * The CLI prints the message without a stack and exits with code 2.
 */
export class UserError extends Error {
  override name = "UserError";
}

/** One or more problems found while loading config and manifests. */
export class ConfigError extends UserError {
  override name = "ConfigError";
  constructor(readonly issues: Issue[]) {
    super(issues.map(formatIssue).join("\n"));
  }
}

/** Formats a list of allowed values for an error message. */
export function allowed(values: readonly (string | number)[]): string {
  return `(allowed: ${values.join(", ")})`;
}
