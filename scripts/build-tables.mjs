// Part of `npm run build`: data/ parsed and validated once into dist/tables/shipped.json (see src/tables/shipped.ts).
import { SHIPPED_FILE, writeShipped } from '../dist/tables/shipped.js';

const n = await writeShipped();
process.stderr.write(`built ${n} shipped tables into ${SHIPPED_FILE}\n`);
