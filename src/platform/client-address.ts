import type { Context } from "hono";

/** The caller's IP address when served by Bun (`Bun.serve` hands the server, or routeByPath its stand-in, to hono as its env); undefined in-process. */
export function clientAddress(c: Context): string | undefined {
  const server = c.env as { requestIP?: (request: Request) => { address: string } | null } | undefined;
  return server?.requestIP?.(c.req.raw)?.address ?? undefined;
}
