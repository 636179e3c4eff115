import type { Context, Env, ValidationTargets } from "hono";
import { createMiddleware } from "hono/factory";
import { validator } from "hono-openapi";
import { z } from "zod";
import { isClientGone } from "./client-gone";
import { MalformedJsonError, ValidationError } from "./errors";
import { describesJsonBody } from "./openapi";

const jsonMediaType = /^application\/([\w.-]+\+)?json$/i;

/** A Standard Schema issue (what zod reports, and what hono-openapi's validator hands its hook). */
interface Issue {
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
  readonly message: string;
}

const pathOf = (issue: Issue) => (issue.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment)).join(".");

const validationErrorOf = ({ issues }: { issues: readonly Issue[] }) =>
  new ValidationError(issues.map((issue) => ({ path: pathOf(issue), message: issue.message })));

/** `value` checked by `schema`; a failure is the VALIDATION_FAILED every route answers, thrown to the root error handler. */
export function validated<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationErrorOf(result.error);
  return result.data;
}

/**
 * zod validation of the query or path parameters, with the one hook every route shares: a
 * failure becomes VALIDATION_FAILED with a detail per failing field, thrown to the root error
 * handler.
 */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) =>
  // hono-openapi's own validator: it validates and documents what it validates, in one middleware.
  validator(target, schema, (result) => {
    if (!result.success) throw validationErrorOf({ issues: result.error });
  });

/**
 * Validates a JSON body with `schema`; the handler reads it with `c.req.valid("json")`. Unlike
 * hono's own json validator, which silently reads a body without a JSON content type as `{}`
 * and reports malformed JSON as a bare HTTPException, this answers MALFORMED_JSON with a
 * sentence that says what to fix. An empty body reads as `{}` whatever its content type, which
 * is what an endpoint with an optional body wants (and what makes an empty `POST /orders` a
 * field-by-field VALIDATION_FAILED rather than a parse error).
 */
export const validJson = <Schema extends z.ZodType>(schema: Schema) => [describesJsonBody(schema), readJson(schema)] as const;

const readJson = <Schema extends z.ZodType>(schema: Schema) =>
  createMiddleware<Env, string, { in: { json: z.input<Schema> }; out: { json: z.output<Schema> } }>(async (c, next) => {
    const text = await c.req.text();
    let body: unknown = {};
    if (text.trim() !== "") {
      const mediaType = ((c.req.header("content-type") ?? "").split(";")[0] ?? "").trim();
      if (!jsonMediaType.test(mediaType)) {
        throw new MalformedJsonError("Request body must be JSON sent with Content-Type: application/json");
      }
      try {
        body = JSON.parse(text);
      } catch {
        throw new MalformedJsonError("Request body is not valid JSON");
      }
    }
    c.req.addValidatedData("json", validated(schema, body) as object);
    await next();
  });

/**
 * The submitted form of a route that reports its fields itself: a body that is not a form reads
 * as an empty one, so each missing field is reported. A client that went away mid-upload is not
 * an empty form, though: that goes on to the root error handler, which says so.
 */
export async function readForm(c: Context): Promise<FormData> {
  try {
    return await c.req.formData();
  } catch (thrown) {
    if (isClientGone(thrown, c.req.raw)) throw thrown;
    return new FormData();
  }
}

/** Lists answer at most this many rows (newest first); `?limit=` asks for fewer. */
export const MAX_LIST_LIMIT = 1_000;
export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(MAX_LIST_LIMIT),
});
