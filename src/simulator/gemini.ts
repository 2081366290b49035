import { answerBody, decideAnswer, GEMINI_MODELS, startDrawing, validateGemini, type GeminiModel } from "./gemini-answer.js";
import type { SimContext, SimRoute } from "./context.js";
import { parseGeminiRequest, type ParsedGeminiRequest } from "./gemini-request.js";
import { readJson, sendJson } from "./http-util.js";
import { keyProblem } from "./triggers.js";
import { describeAnswer, GEMINI_TEXT_MODELS } from "./gemini-describe.js";

type Res = Parameters<SimRoute>[2];

const PATH = /^\/(v1beta|v1)\/models\/([^/:]+):generateContent$/;

/** Google's error body. */
export function googleError(res: Res, code: number, status: string, message: string, details?: unknown[]): void {
  sendJson(res, code, { error: { code, message, status, ...(details ? { details } : {}) } });
}

/** Answers Google's way when the API key is missing or invalid; returns true when it did. */
export function rejectKey(req: Parameters<SimRoute>[1], res: Res, url: URL): boolean {
  const key = (req.headers["x-goog-api-key"] as string | undefined) ?? url.searchParams.get("key") ?? undefined;
  const problem = keyProblem(key);
  if (problem === "missing") {
    // What Google answers when no key is sent at all.
    googleError(
      res,
      403,
      "PERMISSION_DENIED",
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    );
    return true;
  }
  if (problem === "invalid") {
    googleError(res, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com" },
      },
      {
        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
        locale: "en-US",
        message: "API key not valid. Please pass a valid API key.",
      },
    ]);
    return true;
  }
  return false;
}

/** Gemini API: POST /v1beta/models/{model}:generateContent, key in `x-goog-api-key` (or `?key=`). */
export const geminiRoute: SimRoute = async (ctx, req, res, url) => {
  const m = PATH.exec(url.pathname);
  if (!m) return false;
  const arrived = performance.now();
  ctx.state.count("gemini.generateContent");
  if (rejectKey(req, res, url)) return true;
  if (req.method !== "POST") {
    googleError(res, 405, "METHOD_NOT_ALLOWED", `Method ${req.method} is not allowed.`);
    return true;
  }
  const modelId = decodeURIComponent(m[2]);
  const model = GEMINI_MODELS[modelId];
  if (!model && GEMINI_TEXT_MODELS.has(modelId)) {
    const parsed = parseGeminiRequest(await readJson(req));
    if ("error" in parsed) googleError(res, 400, "INVALID_ARGUMENT", parsed.error);
    else sendJson(res, 200, await describeAnswer(ctx, modelId, parsed));
    return true;
  }
  if (!model) {
    // Retired preview ids (gemini-3-pro-image-preview, …) answer exactly like unknown ones.
    googleError(
      res,
      404,
      "NOT_FOUND",
      `models/${modelId} is not found for API version ${m[1]}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
    );
    return true;
  }
  const parsed = parseGeminiRequest(await readJson(req));
  if ("error" in parsed) {
    googleError(res, 400, "INVALID_ARGUMENT", parsed.error, [
      { "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [{ description: parsed.error }] },
    ]);
    return true;
  }
  const invalid = validateGemini(parsed, model);
  if (invalid) {
    googleError(res, 400, "INVALID_ARGUMENT", invalid);
    return true;
  }
  await answer(ctx, res, modelId, model, parsed, arrived);
  return true;
};

async function answer(
  ctx: SimContext,
  res: Res,
  modelId: string,
  model: GeminiModel,
  p: ParsedGeminiRequest,
  arrived: number,
): Promise<void> {
  const decided = decideAnswer(ctx, modelId, model, p);
  startDrawing(ctx, decided);
  // The latency runs from the request's arrival, as a remote service's does: the simulator's own
  // work on other requests (reading them, starting their drawings) does not lengthen it.
  const wait = Math.max(0, ctx.options.latencyMs - (performance.now() - arrived));
  // Unreferenced: a request left waiting when the simulator closes holds no process open.
  await new Promise((r) => setTimeout(r, wait).unref());
  const e = decided.error;
  if (e) return googleError(res, e.code, e.status, e.message);
  // Google bills every answered request by its tokens, blocked ones included.
  ctx.state.accept(decided.task);
  sendJson(res, 200, await answerBody(ctx, decided));
}
