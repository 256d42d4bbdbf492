#!/usr/bin/env node
// The sg-emulator command. The implementation is built into dist/ (npm ci builds it through the root prepare script).
import "../dist/cli.js";
