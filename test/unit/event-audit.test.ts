/** The suite's silent-$0 scan fails the test whose Lectr recorded one, and passes honest unknowns. */
import { expect, test } from "bun:test";
import { startLectr } from "../helpers/lectr.ts";
import { eventRow } from "../helpers/rows.ts";

test("stop() fails on a priced event without reported usage, a $0 with nothing reported, and 0/0 tokens on an answered call", async () => {
  const lectr = await startLectr();
  const at = Date.now();
  const bad = [
    eventRow(lectr.orgId, "k", at, { endpoint: "/v1/batches/batch_1", input_tokens: null, output_tokens: null, cost_usd: 0.5 }),
    eventRow(lectr.orgId, "k", at + 1, { endpoint: "/v1/responses/resp_1", input_tokens: 0, output_tokens: 0, cost_usd: 0 }),
  ];
  for (const e of bad) lectr.lectr.recorder.record(e);
  const stopped = await lectr.stop().then(
    () => "",
    (err: Error) => err.message,
  );
  expect(stopped.split("\n")).toEqual([
    "events recorded a silent $0:",
    `priced without reported usage: event ${bad[0]!.id} /v1/batches/batch_1 model=gpt-4o tokens=null/null units=null cost=0.5`,
    `$0 with nothing reported: event ${bad[1]!.id} /v1/responses/resp_1 model=gpt-4o tokens=0/0 units=null cost=0`,
    `0 input and 0 output tokens on an answered call: event ${bad[1]!.id} /v1/responses/resp_1 model=gpt-4o tokens=0/0 units=null cost=0`,
  ]);
});

test("stop() passes unknown costs: no usage and cost null, a read whose usage another event counted", async () => {
  const lectr = await startLectr();
  const at = Date.now();
  lectr.lectr.recorder.record(eventRow(lectr.orgId, "k", at, { endpoint: "/v1/responses/resp_1", input_tokens: null, output_tokens: null, cost_usd: null, usage_claim: "response:resp_1" }));
  lectr.lectr.recorder.record(eventRow(lectr.orgId, "k", at + 1, { endpoint: "/v1/images/generations", model: "dall-e-3", input_tokens: null, output_tokens: null, billed_units: 1, cost_usd: 0.04 }));
  await expect(lectr.stop()).resolves.toBeUndefined();
});
