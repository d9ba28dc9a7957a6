// Part of `npm run build`, after tsc: writes the rules-file schema's validator as JavaScript
// (dist/rules/schema-validator.cjs), so the server does not compile the schema when it starts
// (src/rules/schema-check.ts loads it; ajv's "standalone" code: https://ajv.js.org/standalone.html).
import { writeFileSync } from 'node:fs';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { compileSchema, prebuiltValidatorFile, schemaAjv } from '../dist/rules/schema-check.js';

const ajv = schemaAjv({ forCode: true });
const code = standaloneCode.default(ajv, compileSchema(ajv));
writeFileSync(new URL(`../dist/rules/${prebuiltValidatorFile}`, import.meta.url), code);
