#!/usr/bin/env node
/**
 * The `nanobanana` command: runs the CLI bundle (nanobanana.cjs, beside this file once built;
 * see scripts/bundle-cli.mjs) through the code cache. NANOBANANA_COMPILE_CACHE=off compiles
 * it plainly.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runBundle } from "./compile-cache.js";

const bundle = path.join(path.dirname(fileURLToPath(import.meta.url)), "nanobanana.cjs");
runBundle(bundle, process.argv.slice(2), { cache: process.env.NANOBANANA_COMPILE_CACHE !== "off" });
