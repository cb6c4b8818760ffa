// The lint rules n8n applies to community packages, as its node CLI assembles them.
import { config } from '@n8n/node-cli/eslint';

export default config;
