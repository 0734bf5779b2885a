/**
 * docs/workflow.svg (the README's picture) parsed as XML and laid out in headless Chromium: every
 * label is measured with the browser's own text metrics, and no label may overlap another, be
 * crossed by an arrow or a line, or spill out of the box it sits in.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { chromium, HAS_CHROMIUM } from "../helpers/chromium.js";
import { tempDir } from "../helpers/git-repo.js";
import { REPO_ROOT } from "../helpers/mcp-client.js";

/**
 * Runs in the page: finds the problems and writes them, URI-encoded, into <pre id="result">.
 * Arrows and lines are sampled every unit along their length; a label's box is widened by 2 units
 * for the stroke and the arrowhead.
 */
const CHECK = String.raw`
const problems = [];
const report = (labels) => {
  const pre = document.createElement("pre");
  pre.id = "result";
  pre.textContent = encodeURIComponent(JSON.stringify({ labels, problems }));
  document.body.append(pre);
};
const parsed = new DOMParser().parseFromString(SVG_TEXT, "image/svg+xml");
const error = parsed.querySelector("parsererror");
if (error) {
  problems.push("does not parse as XML: " + error.textContent.trim().split("\n")[0]);
  report(0);
} else {
const svg = document.body.appendChild(document.importNode(parsed.documentElement, true));
const box = (b, pad = 0) => ({ x1: b.x - pad, y1: b.y - pad, x2: b.x + b.width + pad, y2: b.y + b.height + pad });
const inside = (p, b) => p.x > b.x1 && p.x < b.x2 && p.y > b.y1 && p.y < b.y2;
const overlap = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
const labels = [...svg.querySelectorAll("text")].filter((t) => !t.closest("defs"))
  .map((t) => ({ text: t.textContent, box: box(t.getBBox()), at: { x: t.x.baseVal[0].value, y: t.y.baseVal[0].value } }));
labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => {
  if (overlap(a.box, b.box)) problems.push("label '" + a.text + "' overlaps label '" + b.text + "'");
}));
for (const shape of svg.querySelectorAll("path, line")) {
  if (shape.closest("defs")) continue;
  const length = shape.getTotalLength();
  for (const label of labels) {
    const near = box({ x: label.box.x1, y: label.box.y1, width: label.box.x2 - label.box.x1, height: label.box.y2 - label.box.y1 }, 2);
    for (let d = 0; d <= length; d += 1) {
      if (inside(shape.getPointAtLength(d), near)) {
        problems.push((shape.getAttribute("d") || "line") + " crosses label '" + label.text + "'");
        break;
      }
    }
  }
}
const rects = [...svg.querySelectorAll("rect")].map((r) => box(r.getBBox()))
  .filter((r) => r.x2 - r.x1 < svg.width.baseVal.value);
for (const label of labels) {
  const around = rects.filter((r) => inside(label.at, r))
    .sort((a, b) => (a.x2 - a.x1) * (a.y2 - a.y1) - (b.x2 - b.x1) * (b.y2 - b.y1))[0];
  if (!around) continue;
  if (label.box.x1 < around.x1 || label.box.x2 > around.x2 || label.box.y1 < around.y1 || label.box.y2 > around.y2)
    problems.push("label '" + label.text + "' spills out of its box");
}
report(labels.length);
}
`;

/** The SVG put into a page with the check; what the check found. */
function layoutProblems(svg: string): { labels: number; problems: string[] } {
  const page = path.join(tempDir("workflow-svg-"), "page.html");
  // The SVG is parsed as XML, as a browser parses an .svg image, not leniently as HTML.
  const text = JSON.stringify(svg).replaceAll("</", "<\\/");
  fs.writeFileSync(
    page,
    `<!doctype html><html><body><script>const SVG_TEXT = ${text};${CHECK}</script></body></html>`,
  );
  const dom = chromium(["--dump-dom", `file://${page}`]).stdout;
  const encoded = /<pre id="result">([^<]*)<\/pre>/.exec(dom);
  if (!encoded) throw new Error(`the check did not run:\n${dom.slice(0, 2000)}`);
  return JSON.parse(decodeURIComponent(encoded[1]!)) as { labels: number; problems: string[] };
}

describe.skipIf(!HAS_CHROMIUM)("docs/workflow.svg in headless Chromium", () => {
  test("it parses as XML, and no label overlaps another, is crossed by an arrow or spills out of its box", () => {
    const svg = fs.readFileSync(path.join(REPO_ROOT, "docs", "workflow.svg"), "utf8");
    const found = layoutProblems(svg);
    expect(found.labels).toBeGreaterThan(30);
    expect(found.problems).toEqual([]);
  });

  test("the check reports an arrow through a label, two labels on top of each other and a spill", () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100" font-size="13">
      <rect x="10" y="10" width="60" height="40"/>
      <text x="15" y="30">a label far too long for its box</text>
      <text x="20" y="80">first</text><text x="24" y="82">second</text>
      <path d="M270,0 L270,100" stroke="#444"/><text x="250" y="60">crossed</text></svg>`;
    expect(layoutProblems(svg).problems).toEqual([
      "label 'first' overlaps label 'second'",
      "M270,0 L270,100 crosses label 'crossed'",
      "label 'a label far too long for its box' spills out of its box",
    ]);
  });

  test("the check reports an SVG that is not well-formed XML", () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text x="1" y="9">a & b</text></svg>`;
    expect(layoutProblems(svg).problems).toEqual([expect.stringMatching(/^does not parse as XML: /)]);
  });
});
