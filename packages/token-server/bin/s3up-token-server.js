#!/usr/bin/env node
import { runBin } from '../dist/bin.js';

runBin();
