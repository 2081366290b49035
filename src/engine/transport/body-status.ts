/**
 * The status an aggregator puts in a 2xx body (`{"code": 429, ...}`: APIDot, Revid), so that
 * the one retry policy treats it like the same HTTP status. Passed as `bodyStatus`.
 */
export function envelopeCode(body: unknown): number | undefined {
  const code = (body as { code?: unknown } | null | undefined)?.code;
  const n = typeof code === "string" && /^\d+$/.test(code) ? Number(code) : code;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}
