import { describe, expect, test } from "vitest";
import { z } from "zod";
import { argumentRefusal, recordsNamed } from "../../src/tools/argument-refusal.js";

describe("an argument refusal names the records the call named", () => {
  test.each([
    ["no arguments", undefined, ""],
    ["not an object", "task 5", ""],
    ["a task", { task_id: 5 }, "task 5"],
    ["a package under its task", { task_id: 5, work_package_id: 9 }, "task 5, work package 9"],
    ["a project", { project_id: 2, name: "glm-1" }, "project 2"],
    ["a Mimo session", { session_id: 3 }, "Mimo session 3"],
    ["a delegation", { delegation_id: 4 }, "role delegation 4"],
    [
      "a delivery",
      { continuation_id: "cont_0123456789abcdef" },
      "continuation delivery cont_0123456789abcdef",
    ],
    ["an id that is not one is left out", { task_id: "abc", work_package_id: 0 }, ""],
    ["a fraction is left out", { task_id: 1.5 }, ""],
    ["a delivery id of another shape is left out", { continuation_id: "x; rm -rf /" }, ""],
  ])("%s", (_name, args, expected) => {
    expect(recordsNamed(args)).toBe(expected);
  });

  test("every problem is listed with its field, array positions in brackets", () => {
    const schema = z.object({
      task_id: z.number(),
      tags: z.array(z.string()),
      mode: z.enum(["tui", "headless"]),
    });
    const args = { task_id: 7, tags: ["a", 3], mode: "gui" };
    const parsed = schema.safeParse(args);
    expect(parsed.success).toBe(false);
    expect(argumentRefusal("mimo.launch_package", args, parsed.error!)).toBe(
      "Input validation error: Invalid arguments for tool mimo.launch_package (task 7): " +
        "Invalid input: expected string, received number at tags[1]\n" +
        'Invalid option: expected one of "tui"|"headless" at mode',
    );
  });

  test("a refusal stays small whatever the input: long keys and values are cut, many problems counted", () => {
    const schema = z.strictObject({ task_id: z.number() });
    const huge = { task_id: 3, ["k".repeat(2_000_000)]: 1 };
    const one = schema.safeParse(huge);
    const text = argumentRefusal("orchestrator.whoami", huge, one.error!);
    expect(text.length).toBeLessThan(400);
    expect(text).toMatch(
      /^Input validation error: Invalid arguments for tool orchestrator.whoami \(task 3\): Unrecognized key: "k+…$/,
    );
    const many = z.object({ a: z.array(z.string()) });
    const values = { a: Array.from({ length: 50_000 }, (_, i) => i) };
    const all = many.safeParse(values);
    const lines = argumentRefusal("t", values, all.error!).split("\n");
    expect(lines).toHaveLength(21);
    expect(lines.at(-1)).toBe("… and 49980 more problems");
  });
});
