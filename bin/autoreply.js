#!/usr/bin/env node
// The installed command. All work happens in the compiled entry point (npm runs the build on install).
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
