/** The default catalog (contract: 7 products, 235 units, integer cents). */
export interface CatalogProduct {
  id: string;
  name: string;
  stock_level: number;
  price_cents: number;
}

export const defaultCatalog: readonly CatalogProduct[] = [
  { id: "laptop", name: "Gaming Laptop", stock_level: 5, price_cents: 129999 },
  { id: "mouse", name: "Wireless Mouse", stock_level: 67, price_cents: 2999 },
  { id: "keyboard", name: "Mechanical Keyboard", stock_level: 21, price_cents: 8999 },
  { id: "monitor", name: "4K Monitor", stock_level: 15, price_cents: 39999 },
  { id: "mouse-pad", name: "Mouse Pad", stock_level: 54, price_cents: 2499 },
  { id: "usb-c-hub", name: "USB-C Hub", stock_level: 40, price_cents: 4999 },
  { id: "headset", name: "Wireless Headset", stock_level: 33, price_cents: 7999 },
];

/** The session SWAP's benchmark runs in (`x-session-id: benchmark`). */
export const BENCHMARK_SESSION = "benchmark";
/** Units of every product the benchmark session is seeded with, as SWAP does: enough for all of its orders. */
export const BENCHMARK_STOCK_LEVEL = 999;

/** The catalog a seed or a reset without a body loads: the default one, or for the benchmark session 999 of each. */
export function defaultCatalogFor(sessionId: string): readonly CatalogProduct[] {
  if (sessionId !== BENCHMARK_SESSION) return defaultCatalog;
  return defaultCatalog.map((product) => ({ ...product, stock_level: BENCHMARK_STOCK_LEVEL }));
}
