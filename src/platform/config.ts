import { z } from "zod";
import { defaultDatabasePath, StartupError, type SynchronousLevel } from "./db";

/**
 * A demo delay, in ms. One range, written here once: the environment's defaults for new
 * sessions (`INVENTORY_DELAY_MS`, `PAYMENT_DELAY_MS`) and each session's knobs (`PATCH
 * /settings`) both take it, so a default the server starts with is always a knob a session may
 * keep. 60 s is the contract's range for the knobs (CONTRACT.md, session settings).
 */
export const demoDelayRange = { min: 0, max: 60_000 } as const;
export const demoDelayMsSchema = z.number().int().min(demoDelayRange.min).max(demoDelayRange.max);

/** One environment variable: its schema, the default as a person types it, and what it means. */
interface Variable<Schema extends z.ZodType = z.ZodType> {
  schema: Schema;
  default: string;
  meaning: string;
}

/**
 * A variable whose default is written once, as a person would type it: unset, the variable
 * reads as that text, parsed by the same schema (so `--help`, the docs and start-up agree).
 */
const variable = <Schema extends z.ZodType>(v: Variable<Schema>) => ({
  ...v,
  schema: z.preprocess((value) => value ?? v.default, v.schema),
});

/** A variable whose unset value is not something a person types (a path found at start-up, or nothing at all): its schema says it. */
const described = <Schema extends z.ZodType>(v: Variable<Schema>) => v;

/**
 * Every environment variable the server reads, in one table: start-up parses the environment
 * with it, `--help` prints it, and docs/configuration.md shows it (a test keeps them equal).
 */
export const environment = {
  PORT: variable({
    schema: z.coerce.number().int().min(0).max(65535),
    default: "3000",
    meaning: "HTTP port (0: any free port, printed at start-up)",
  }),
  HOST: variable({
    schema: z.string().min(1),
    default: "0.0.0.0",
    meaning: "interface to listen on (127.0.0.1: this machine only)",
  }),
  GRPC_PORT: variable({
    schema: z.coerce.number().int().min(0).max(65535),
    default: "50051",
    meaning:
      "gRPC (cleartext HTTP/2) port of the inventory and payment RPC services, on HOST; 0: no gRPC port (Connect and gRPC-Web stay on PORT)",
  }),
  DATABASE_PATH: described({
    schema: z.string().min(1).default(defaultDatabasePath),
    default: "db/saga.sqlite",
    meaning:
      "SQLite file, created on first start; :memory: for a throwaway server. One server per file (lock <path>-lock, dropped by the kernel when its server dies); a database written by a newer version is refused, untouched",
  }),
  SQLITE_SYNCHRONOUS: variable({
    schema: z.enum(["OFF", "NORMAL", "FULL", "EXTRA"]),
    default: "NORMAL",
    meaning: "SQLite synchronous level: OFF, NORMAL, FULL or EXTRA (what a power cut may lose: docs/architecture.md, Durability)",
  }),
  INVENTORY_DELAY_MS: variable({
    schema: z.coerce.number().pipe(demoDelayMsSchema),
    default: "3000",
    meaning: `demo delay before inventory reacts to an order, ${demoDelayRange.min}-${demoDelayRange.max} ms (new sessions; PATCH /settings changes one session's)`,
  }),
  PAYMENT_DELAY_MS: variable({
    schema: z.coerce.number().pipe(demoDelayMsSchema),
    default: "5000",
    meaning: `demo delay before payment charges a reservation, ${demoDelayRange.min}-${demoDelayRange.max} ms (new sessions; PATCH /settings changes one session's)`,
  }),
  MAX_ORDERS_PER_SESSION: variable({
    schema: z.coerce.number().int().min(1).max(1_000_000),
    default: "5000",
    meaning: "orders a session may keep; past it POST /orders answers 429 QUOTA_EXCEEDED and writes nothing",
  }),
  MAX_CARTS_PER_SESSION: variable({
    schema: z.coerce.number().int().min(1).max(1_000_000),
    default: "100",
    meaning:
      "carts a session may keep open (not checked out, not expired); past it POST /cart answers 429 QUOTA_EXCEEDED and writes nothing",
  }),
  MAX_ORDER_LINES_PER_SESSION: variable({
    schema: z.coerce.number().int().min(1).max(10_000_000),
    default: "20000",
    meaning: "order lines a session may keep (this bounds its disk use); past it 429 QUOTA_EXCEEDED",
  }),
  SESSION_IDLE_TTL: variable({
    schema: z
      .string()
      .regex(/^\d+(ms|s|m|h|d)?$/, "a duration such as 7d, 12h, 30m, 45s or 500ms")
      .transform(durationMs)
      .pipe(z.number().int().min(60_000, "at least a minute")),
    default: "7d",
    meaning:
      "a session with nothing changed for this long is wiped, as DELETE /session would; checked at start-up and hourly: 7d, 12h, 30m, 45s or ms, at least a minute",
  }),
  STREAMS_PER_ADDRESS: variable({
    schema: z.coerce.number().int().min(1).max(1_536),
    default: "64",
    meaning:
      "open GET /events/stream connections one client address may hold across sessions, 1-1536 (the server's total); past it 429 RATE_LIMITED. A class behind one NAT shares one address: allow two per attendee",
  }),
  TEACHER_TOKEN: described({
    schema: z.string().min(12, "must be at least 12 characters").optional(),
    default: "unset",
    meaning: "at least 12 characters: turns on the teacher's overview of every session at /teacher?token=...; unset, there is none",
  }),
};

type Environment = typeof environment;
const envSchema = z.object(
  Object.fromEntries(Object.entries(environment).map(([name, v]) => [name, v.schema])) as {
    [Name in keyof Environment]: Environment[Name]["schema"];
  },
);

/** What `--help` prints: every variable, its default and its meaning. */
export function configurationHelp(): string {
  const rows = Object.entries(environment).map(([name, v]) => `  ${name.padEnd(28)} ${v.default.padEnd(16)} ${v.meaning}`);
  return [
    "saga workshop server: an order saga (orders, inventory, payments) on one port, with a live dashboard.",
    "",
    "Usage: npm start [-- --help]      Configuration is read from the environment:",
    "",
    `  ${"VARIABLE".padEnd(28)} ${"DEFAULT".padEnd(16)} MEANING`,
    ...rows,
    "",
    "A bad value stops start-up with one line naming the variable (exit code 1).",
  ].join("\n");
}

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
  /** Per-session quota on open carts (`POST /cart` past it: 429 QUOTA_EXCEEDED, nothing written). */
  maxCartsPerSession: number;
}

export interface ServerConfig extends SagaConfig {
  port: number;
  /** 0: the gRPC port is off. */
  grpcPort: number;
  host: string;
  databasePath: string;
  synchronous: SynchronousLevel;
  teacherToken: string | null;
  sessionIdleTtlMs: number;
  /** Open event streams one client address may hold (`STREAMS_PER_ADDRESS`). */
  streamsPerAddress: number;
}

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
    grpcPort: e.GRPC_PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    synchronous: e.SQLITE_SYNCHRONOUS,
    inventoryDelayMs: e.INVENTORY_DELAY_MS,
    paymentDelayMs: e.PAYMENT_DELAY_MS,
    maxOrdersPerSession: e.MAX_ORDERS_PER_SESSION,
    maxOrderLinesPerSession: e.MAX_ORDER_LINES_PER_SESSION,
    maxCartsPerSession: e.MAX_CARTS_PER_SESSION,
    teacherToken: e.TEACHER_TOKEN ?? null,
    sessionIdleTtlMs: e.SESSION_IDLE_TTL,
    streamsPerAddress: e.STREAMS_PER_ADDRESS,
  };
}

/** What a server started with an empty environment runs with: the table's defaults, not written again. */
export const defaultSagaConfig: SagaConfig = (({
  inventoryDelayMs,
  paymentDelayMs,
  maxOrdersPerSession,
  maxOrderLinesPerSession,
  maxCartsPerSession,
}) => ({
  inventoryDelayMs,
  paymentDelayMs,
  maxOrdersPerSession,
  maxOrderLinesPerSession,
  maxCartsPerSession,
}))(readServerConfig({}));

/** The per-address stream cap a server started with an empty environment runs with (the table's default, not written again). */
export const defaultStreamsPerAddress = readServerConfig({}).streamsPerAddress;
