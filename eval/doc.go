// Package eval measures how well MIA answers. It runs a dataset of
// questions with known good sources, facts, refusals and form starts
// through the knowledge-base search and the conversation engine (each
// question a new conversation) and reports:
//
//   - recall@1, recall@5 and MRR: from the search's top 5 for the
//     question; the rank is the first position whose source is among
//     expect_sources. Over items with expect_sources only.
//   - citation_precision: per answer, the share of its citations whose
//     source is expected, averaged over items with expect_sources whose
//     answer cites something.
//   - fact_recall: per item, the share of expect_facts found in the answer
//     (after Normalize), averaged over items with expect_facts.
//   - refusal_precision, refusal_recall, refusal_accuracy: an answer
//     declines when its status is no_source or out_of_scope and it cites
//     nothing; "declined" is the positive class of precision and recall,
//     and accuracy is the share of all items whose declining matches
//     expect_refusal. A form start the engine answered with no_source
//     counts as declined.
//   - tool_accuracy: over items with expect_tool, the share whose turn
//     started that form (route form_start, same form). Items without
//     expect_tool are not counted even when they start a form; the report
//     counts those separately as unexpected_forms, and
//     unexpected_form_rate is that count over the items without
//     expect_tool.
//   - latency_p50_ms, latency_p95_ms: nearest-rank percentiles of the
//     engine's Handle, failed turns left out.
//   - prompt_tokens, completion_tokens: the model's, summed, when the
//     Reply carries them.
//   - groundedness (with a Judge): supported claims over all claims the
//     judge counted in answers that cite something.
//
// A share over no items is reported as 0 with its count 0 in "counts";
// the table prints n/a. Each item also gets pass/fail flags (Checks).
//
// Every share comes with its 95% interval ("intervals" in the JSON, a
// column of the table): Wilson score intervals over the share's own
// denominator, and a Student t interval for MRR (see Intervals). With a
// hundred items a share of 0.95 is known to about ±0.05: compare runs by
// their intervals, not their third decimal.
//
// The dataset format is documented on Item. Datasets live in
// eval/datasets/<municipality>/ as two splits, dev.yaml and test.yaml
// (each with optional dev-*.yaml / test-*.yaml files merged into it; see
// LoadSplit). Tuning happens on dev only; CI gates on test (gate_test.go),
// every municipality's corpus ingested into one database.
package eval
