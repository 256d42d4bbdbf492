#!/usr/bin/env node
// The sg command. The implementation is built into dist/ (npm ci builds it through the root prepare script).
import "../dist/bin.js";
