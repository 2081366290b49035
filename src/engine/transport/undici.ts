/**
 * The transport's one door to undici, loaded on first use (`import("./undici.js")`). Static
 * named re-exports: undici is CommonJS, and a bundler can only bind CommonJS names it sees
 * statically. The CLI bundle gets a lighter stand-in with the same two names
 * (scripts/cli-undici.cjs).
 */
export { Agent, request } from "undici";
