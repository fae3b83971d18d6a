/**
 * What is parsed of a message at most. The decision reads 256 KB of body text; parsing 25 MB of short
 * lines costs mailparser seconds and most of a gigabyte. A longer message is parsed from its first
 * bytes (headers and the start of the body, where a person's words are) and flagged as too long.
 * Lines count as well as bytes: mailparser's cost is per line (4 MB of "ok" lines took 2.7 s), and
 * 100,000 lines hold more than 4 MB of base64 (76-character lines, RFC 2045 §6.8).
 */
export const PARSE_LIMIT_BYTES = 4 * 1024 * 1024;
export const PARSE_LIMIT_LINES = 100_000;
