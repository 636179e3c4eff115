import { z } from "zod";
import { StartupError, defaultDatabasePath, type SynchronousLevel } from "./db";

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_PATH: z.string().min(1).default(defaultDatabasePath),
  SQLITE_SYNCHRONOUS: z.enum(["OFF", "NORMAL", "FULL", "EXTRA"]).default("NORMAL"),
  INVENTORY_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(3_000),
  PAYMENT_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  MAX_ORDERS_PER_SESSION: z.coerce.number().int().min(1).max(1_000_000).default(5_000),
  MAX_ORDER_LINES_PER_SESSION: z.coerce.number().int().min(1).max(10_000_000).default(20_000),
  // A session with nothing changed for this long is wiped, as DELETE /session would: 7d, 12h, 30m, 45s or ms.
  SESSION_IDLE_TTL: z
    .string()
    .regex(/^\d+(ms|s|m|h|d)?$/, "a duration such as 7d, 12h, 30m, 45s or 500ms")
    .default("7d")
    .transform(durationMs)
    .pipe(z.number().int().min(60_000, "at least a minute")),
  // The teacher's overview of every session (GET /teacher?token=); unset: there is none.
  TEACHER_TOKEN: z.string().min(12, "must be at least 12 characters").optional(),
});

const unitMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** "7d" → 604800000; a bare number is milliseconds. */
function durationMs(text: string): number {
  const [, amount = "0", unit = "ms"] = /^(\d+)(ms|s|m|h|d)?$/.exec(text) ?? [];
  return Number(amount) * (unitMs[unit] ?? 1);
}

/** What the saga's reactions need to know about the deployment. */
export interface SagaConfig {
  inventoryDelayMs: number;
  paymentDelayMs: number;
  /** Per-session quota on orders kept (`POST /orders` past it: 429 QUOTA_EXCEEDED, nothing written). */
  maxOrdersPerSession: number;
  /** Per-session quota on order lines kept, which bounds a session's disk use whatever its orders' sizes. */
  maxOrderLinesPerSession: number;
}

export interface ServerConfig extends SagaConfig {
  port: number;
  host: string;
  databasePath: string;
  synchronous: SynchronousLevel;
  teacherToken: string | null;
  sessionIdleTtlMs: number;
}

export const defaultSagaConfig: SagaConfig = {
  inventoryDelayMs: 3_000,
  paymentDelayMs: 5_000,
  maxOrdersPerSession: 5_000,
  maxOrderLinesPerSession: 20_000,
};

/** Reads the environment; a bad value stops start-up with a message that names the variable. */
export function readServerConfig(env: Record<string, string | undefined>): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new StartupError(`Invalid environment: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    synchronous: e.SQLITE_SYNCHRONOUS,
    inventoryDelayMs: e.INVENTORY_DELAY_MS,
    paymentDelayMs: e.PAYMENT_DELAY_MS,
    maxOrdersPerSession: e.MAX_ORDERS_PER_SESSION,
    maxOrderLinesPerSession: e.MAX_ORDER_LINES_PER_SESSION,
    teacherToken: e.TEACHER_TOKEN ?? null,
    sessionIdleTtlMs: e.SESSION_IDLE_TTL,
  };
}
