// Copies the non-TypeScript files the program reads at run time (the schema) next to the compiled code.
import { cpSync } from 'node:fs';
cpSync('src/db/schema.sql', 'dist/db/schema.sql');
