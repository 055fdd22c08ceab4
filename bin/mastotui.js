#!/usr/bin/env node
import '../dist/app/cli.js';
