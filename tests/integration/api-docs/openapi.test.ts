import { describe, expect, test } from "bun:test";
import { validate } from "@readme/openapi-parser";
import type { z } from "zod";
import { undocumentedPaths } from "../../../src/api-docs/api-docs.routes";
import { sagaEventJsonSchema } from "../../../src/modules/events";
import { availabilitySchema, productJsonSchema } from "../../../src/modules/inventory/inventory.schemas";
import { orderJsonSchema } from "../../../src/modules/orders/orders.schemas";
import { paymentJsonSchema } from "../../../src/modules/payments/payments.schemas";
import { errorBodySchema } from "../../../src/platform/openapi";
import { sagaDetailSchema, sagaViewSchema } from "../../../src/sagas/sagas";
import { createTestApp, fiveMousePads, type TestApp } from "../../support/test-app";

type Operation = {
  security?: Record<string, string[]>[];
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
};
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, { example?: unknown }> } };

async function documentOf(t: TestApp): Promise<Document> {
  const answer = await t.request("GET", "/openapi.json", { session: null });
  expect(answer.status).toBe(200);
  return answer.body as Document;
}

/** `GET /orders/{id}` → `GET /orders/:id`, as hono lists its routes. */
const operationsOf = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
  );

describe("GET /openapi.json", () => {
  test("is a valid OpenAPI 3.1 document", async () => {
    const document = await documentOf(createTestApp());
    expect((document as unknown as { openapi: string }).openapi).toBe("3.1.0");
    const result = await validate(structuredClone(document) as never);
    expect(result).toMatchObject({ valid: true, warnings: [] });
  });

  test("documents exactly the routes the app serves, leaving out only the dashboard, its assets, the teacher's overview and /docs", async () => {
    const t = createTestApp({ teacherToken: "a-teacher-token-for-tests" });
    const documented = operationsOf(await documentOf(t)).sort();
    const served = [...new Set(t.app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`))];
    const api = served.filter((route) => !undocumentedPaths.some((pattern) => pattern.test(route.split(" ")[1] ?? ""))).sort();
    expect(documented).toEqual(api);
    expect(api.length).toBeGreaterThan(35);
  });

  test("every operation names its answer, and a session-scoped one the x-session-id header and its 400s", async () => {
    const document = await documentOf(createTestApp());
    // The scenarios are the same for every session: listing them needs none.
    const open = new Set(["GET /health", "GET /metrics", "GET /openapi.json", "GET /scenarios"]);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const name = `${method.toUpperCase()} ${path}`;
        // A route that creates answers 201 (POST /cart).
        const answer = operation.responses["200"] ?? operation.responses["201"];
        expect([name, Object.keys(answer?.content ?? {}).length]).toEqual([name, 1]);
        if (open.has(name)) {
          expect([name, operation.security]).toEqual([name, []]);
          continue;
        }
        expect([name, operation.security]).toEqual([name, [{ session: [] }]]);
        expect([name, operation.responses["400"]?.description]).toEqual([name, expect.stringContaining("SESSION_REQUIRED")]);
      }
    }
    const getOrder = document.paths["/orders/{id}"]?.get;
    expect(getOrder?.responses["404"]?.description).toBe("NOT_FOUND");
    expect(getOrder?.responses["400"]?.description).toContain("VALIDATION_FAILED");
    expect(document.paths["/orders"]?.post?.responses["400"]?.description).toContain("MALFORMED_JSON");
  });

  test("each example in the document is valid for its own schema", async () => {
    const document = await documentOf(createTestApp());
    const schemas: Record<string, z.ZodType> = {
      Order: orderJsonSchema,
      Product: productJsonSchema,
      Payment: paymentJsonSchema,
      Availability: availabilitySchema,
      Error: errorBodySchema,
    };
    for (const [id, schema] of Object.entries(schemas)) {
      const example = document.components.schemas[id]?.example;
      expect([id, example === undefined]).toEqual([id, false]);
      expect([id, schema.safeParse(example).success]).toEqual([id, true]);
    }
  });

  test("real answers match the documented schemas", async () => {
    const t = createTestApp();
    await t.request("POST", "/inventory/seed");
    const placed = await t.request("POST", "/orders", { body: fiveMousePads });
    const orchestrated = await t.request("POST", "/orders", { body: { ...fiveMousePads, sagaStyle: "orchestration" } });
    t.settle(t.clock.now() + 60_000);
    const parse = (schema: z.ZodType, value: unknown) => expect(schema.safeParse(value).error).toBeUndefined();
    parse(orderJsonSchema, (await t.request("GET", `/orders/${placed.body.id}`)).body);
    for (const product of (await t.request("GET", "/inventory")).body) parse(productJsonSchema, product);
    for (const payment of (await t.request("GET", "/payments")).body) parse(paymentJsonSchema, payment);
    for (const event of (await t.request("GET", "/events")).body) parse(sagaEventJsonSchema, event);
    for (const saga of (await t.request("GET", "/sagas")).body) parse(sagaViewSchema, saga);
    for (const order of [placed.body, orchestrated.body]) parse(sagaDetailSchema, (await t.request("GET", `/sagas/${order.sagaId}`)).body);
    parse(errorBodySchema, (await t.request("GET", "/orders/nowhere")).body);
  });
});

describe("GET /docs", () => {
  test("serves the reference page from this process, under a CSP that allows nothing from elsewhere", async () => {
    const t = createTestApp();
    const page = await t.request("GET", "/docs", { session: null });
    expect(page.status).toBe(200);
    expect(page.text).toContain('src="/assets/swagger-ui-bundle.js"');
    expect(page.text).not.toMatch(/https?:\/\//);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe");
    for (const asset of ["swagger-ui-bundle.js", "swagger-ui.css", "stored-session.js", "docs.js"]) {
      expect((await t.request("GET", `/assets/${asset}`, { session: null })).status).toBe(200);
    }
  });
});
