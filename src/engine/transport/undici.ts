/**
 * The transport's one door to undici, loaded on first use (`import("./undici.js")`). Static
 * named re-exports: undici is CommonJS, and a bundler (the CLI ships as one, see
 * scripts/bundle-cli.mjs) can only bind CommonJS names it sees statically.
 */
export { Agent, request } from "undici";
