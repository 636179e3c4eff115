import { configurationHelp, readServerConfig } from "./platform/config";
import { StartupError } from "./platform/db";
import { serve } from "./serve";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(configurationHelp());
  process.exit(0);
}

// A refusal a person can act on (a bad variable, a database in use, unreadable or too new) is
// one line on stderr and exit code 1, not a stack trace.
try {
  serve(readServerConfig(process.env));
} catch (error) {
  if (!(error instanceof StartupError)) throw error;
  console.error(error.message);
  process.exit(1);
}
