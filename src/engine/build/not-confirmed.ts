/** The build's `confirm` question was answered no: nothing was submitted, restored or written. */
export class NotConfirmedError extends Error {
  override name = "NotConfirmedError";
  constructor() {
    super("not built: nothing was spent");
  }
}
