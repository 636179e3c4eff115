import { readServerConfig } from "./platform/config";
import { serve } from "./serve";

serve(readServerConfig(process.env));
