/** Replaced at build time with the package version (scripts/build.mjs). */
declare const __VERSION__: string;
