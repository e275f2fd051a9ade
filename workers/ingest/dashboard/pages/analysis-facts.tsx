import type { AnalysisView } from "../../../../shared/analysis/analysis-view";
import { Time } from "../components";

/** Who answered, in words that never pass rules off as AI. */
export function analyzerLabel(analyzer: string | null): string {
  if (analyzer === "rules") return "rules (pattern matching, not AI)";
  if (analyzer === "workers-ai") return "Workers AI model";
  if (analyzer === "openai-compatible") return "OpenAI-compatible model";
  return "none yet";
}

/** A conversation's analysis as facts: what it says, who said it, and why it failed or fell back. */
export function AnalysisFacts({ analysis }: { analysis: AnalysisView }) {
  return (
    <dl class="facts" aria-label="Analysis">
      <dt>Analysis</dt>
      <dd>{analysis.status}</dd>
      <dt>By</dt>
      <dd>{analyzerLabel(analysis.analyzer)}</dd>
      <dt>Priority</dt>
      <dd>{analysis.priority ?? "—"}</dd>
      <dt>Category</dt>
      <dd>{analysis.category ?? "—"}</dd>
      <dt>Summary</dt>
      <dd>{analysis.summary ?? "—"}</dd>
      <dt>Sentiment</dt>
      <dd>{analysis.sentiment ?? "—"}</dd>
      <dt>Language</dt>
      <dd>{analysis.language ?? "—"}</dd>
      <dt>Needs a reply</dt>
      <dd>{analysis.needsReply === null ? "—" : analysis.needsReply ? "yes" : "no"}</dd>
      {analysis.reason ? (
        <>
          <dt>Why</dt>
          <dd>{analysis.reason}</dd>
        </>
      ) : null}
      <dt>Analysed</dt>
      <dd>{analysis.analyzedAt ? <Time iso={analysis.analyzedAt} /> : "—"}</dd>
      {analysis.tokens > 0 ? (
        <>
          <dt>Tokens</dt>
          <dd>{analysis.tokens}</dd>
        </>
      ) : null}
    </dl>
  );
}
