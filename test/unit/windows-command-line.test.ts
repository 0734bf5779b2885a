import { describe, expect, test } from "vitest";
import { CommandLineError, windowsCommandLine } from "../../src/process/windows-command-line.js";
import { prng } from "../helpers/prng.js";

/**
 * CommandLineToArgvW's documented splitting, written out independently of the quoting code so the
 * two can be checked against each other on any host; the Windows suite checks the quoting against
 * the real CommandLineToArgvW under Wine.
 */
function splitLikeWindows(line: string): string[] {
  let i = 0;
  let program = "";
  if (line[0] === '"') {
    for (i = 1; i < line.length && line[i] !== '"'; i += 1) program += line[i];
    i += 1;
  } else {
    for (; i < line.length && line[i] !== " " && line[i] !== "\t"; i += 1) program += line[i];
  }
  const argv = [program];
  for (;;) {
    while (line[i] === " " || line[i] === "\t") i += 1;
    if (i >= line.length) return argv;
    let arg = "";
    let quoted = false;
    while (i < line.length) {
      const c = line[i]!;
      if (c === "\\") {
        let n = 0;
        while (line[i + n] === "\\") n += 1;
        if (line[i + n] === '"') {
          arg += "\\".repeat(Math.floor(n / 2));
          i += n;
          if (n % 2 === 1) {
            arg += '"';
            i += 1;
          }
        } else {
          arg += "\\".repeat(n);
          i += n;
        }
      } else if (c === '"') {
        // Inside quotes, "" is a literal quote and quoting goes on.
        if (quoted && line[i + 1] === '"') {
          arg += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i += 1;
        }
      } else if ((c === " " || c === "\t") && !quoted) {
        break;
      } else {
        arg += c;
        i += 1;
      }
    }
    argv.push(arg);
  }
}

const ARG_ALPHABET = [" ", "\t", '"', "\\", "\\", "a", "b", "é", "ü", "😀", "'", "&", "%", "^"];
const PROGRAM_ALPHABET = ARG_ALPHABET.filter((c) => c !== '"');

function randomString(rand: () => number, alphabet: string[], max: number, min = 0): string {
  const n = min + Math.floor(rand() * (max - min + 1));
  let s = "";
  for (let i = 0; i < n; i += 1) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

describe("windowsCommandLine: the exact inverse of CommandLineToArgvW", () => {
  test.each([
    [
      ["C:\\Program Files\\Codex\\codex.exe", "exec", "a b"],
      '"C:\\Program Files\\Codex\\codex.exe" exec "a b"',
    ],
    [["p", ""], '"p" ""'],
    [["p", 'say "hi"'], '"p" "say \\"hi\\""'],
    [["p", "C:\\dir with space\\"], '"p" "C:\\dir with space\\\\"'],
    [["p", 'a\\\\"b'], '"p" "a\\\\\\\\\\"b"'],
    [["p", "a\\b\\c"], '"p" a\\b\\c'],
    [["p", "日本語 текст"], '"p" "日本語 текст"'],
  ])("%j", (argv, line) => {
    expect(windowsCommandLine(argv)).toBe(line);
    expect(splitLikeWindows(line)).toEqual(argv);
  });

  test("property: 2000 random argvs (spaces, tabs, quotes, backslash runs, empty, unicode) round-trip", () => {
    const seed = 20261130;
    const rand = prng(seed);
    for (let trial = 0; trial < 2000; trial += 1) {
      const argv = [randomString(rand, PROGRAM_ALPHABET, 6, 1)];
      const count = Math.floor(rand() * 6);
      for (let i = 0; i < count; i += 1) argv.push(randomString(rand, ARG_ALPHABET, 8));
      const line = windowsCommandLine(argv);
      expect(
        splitLikeWindows(line),
        `seed ${seed} trial ${trial}: ${JSON.stringify(argv)} -> ${line}`,
      ).toEqual(argv);
    }
  });

  test.each([
    [[], /argv is empty/],
    [[""], /program name is empty/],
    [['C:\\a"b.exe'], /program name contains a quote/],
    [["p", "a\0b"], /NUL/],
  ])("refuses what no command line can carry: %j", (argv, message) => {
    expect(() => windowsCommandLine(argv)).toThrow(CommandLineError);
    expect(() => windowsCommandLine(argv)).toThrow(message);
  });
});
