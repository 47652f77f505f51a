#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npx vigie` works right after `npm ci` with no build step.
import './v8-flags.js';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
