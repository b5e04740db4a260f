/**
 * NODE_OPTIONS's `--require <path>`, as Node reads NODE_OPTIONS: options are split at spaces, and a
 * value in double quotes is one value, inside which a backslash escapes the next character. So the
 * path is quoted, its `\` and `"` escaped: a checkout under a folder with a space in its name
 * ("/home/ann/My Projects/latchkey") is one path, not `--require /home/ann/My` and a stray word.
 */
export function requireOption(path: string): string {
  return `--require "${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
