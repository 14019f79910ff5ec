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
//     counts those separately as unexpected_forms.
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
// The dataset format is documented on Item; eval/datasets/sombor.yaml is
// the demo corpus's dataset, gated in CI by sombor_test.go.
package eval
