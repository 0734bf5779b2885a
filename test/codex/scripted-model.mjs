// A scripted model for the real Codex CLI: the OpenAI Responses API over SSE on 127.0.0.1.
// Each POST /v1/responses gets the next step of a script chosen by the request itself, so one
// server drives both the first session and its later resume. No network, no key.
import http from "node:http";

function sse(events) {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

let counter = 0;
const nextId = (prefix) => `${prefix}_${++counter}`;

/** One model turn that calls an MCP tool; Codex groups our tools under a namespace. */
export function toolCall(namespace, name, args) {
  return { kind: "call", namespace, name, arguments: JSON.stringify(args) };
}

export function say(text) {
  return { kind: "message", text };
}

function events(step) {
  const id = nextId("resp");
  const item =
    step.kind === "call"
      ? {
          type: "function_call",
          id: nextId("fc"),
          call_id: nextId("call"),
          namespace: step.namespace,
          name: step.name,
          arguments: step.arguments,
        }
      : {
          type: "message",
          id: nextId("msg"),
          role: "assistant",
          content: [{ type: "output_text", text: step.text }],
        };
  return [
    { type: "response.created", response: { id } },
    { type: "response.output_item.done", item },
    {
      type: "response.completed",
      response: {
        id,
        usage: {
          input_tokens: 1,
          input_tokens_details: null,
          output_tokens: 1,
          output_tokens_details: null,
          total_tokens: 2,
        },
      },
    },
  ];
}

/**
 * Starts the model. `decide(request)` returns the next step for a request body ({ input, tools, … })
 * and its headers; every request is kept in `requests` for the test to read.
 */
export async function startScriptedModel(decide) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      if (req.method !== "POST" || !req.url.endsWith("/responses")) {
        res.writeHead(404).end();
        return;
      }
      const parsed = JSON.parse(body);
      const entry = { body: parsed, headers: req.headers, at: Date.now() };
      requests.push(entry);
      let step;
      try {
        step = await decide(entry, requests);
      } catch (error) {
        step = say(`script error: ${error.message}`);
      }
      entry.step = step;
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.end(sse(events(step)));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
