import type { AnalysisSettingsView } from "../../../../shared/analysis/analysis-settings";
import type { ErrorDetail } from "../../../../shared/http/errors";
import { CsrfField, Notice } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";
import { analyzerLabel } from "./analysis-facts";

type Props = { viewer: Viewer; settings: AnalysisSettingsView; done?: string; errors?: ErrorDetail[] };

/** The tenant's analyzer, labels, rules and guardrails, with this month's usage. */
export function AnalysisSettingsPage({ viewer, settings, done, errors }: Props) {
  const canWrite = viewer.principal.scopes.includes("admin");
  return (
    <Layout title="Conversation analysis" viewer={viewer} section="analysis">
      {done ? <Notice kind="ok">{done}</Notice> : null}
      {errors && errors.length > 0 ? (
        <Notice kind="error">
          <ul>
            {errors.map((error) => (
              <li>
                {error.path}: {error.message}
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <h2>This month ({settings.usage.month})</h2>
      <dl class="facts">
        <dt>Analyzer</dt>
        <dd>{settings.enabled ? analyzerLabel(settings.analyzer) : "off"}</dd>
        <dt>Analyses</dt>
        <dd>{settings.usage.analyses}</dd>
        <dt>Model tokens</dt>
        <dd>
          {settings.usage.tokens}
          {settings.monthlyTokenBudget !== null ? ` of ${settings.monthlyTokenBudget}` : " (no budget)"}
        </dd>
        <dt>Answered by rules over the budget</dt>
        <dd>{settings.usage.fallbacks}</dd>
      </dl>
      {canWrite ? (
        <form method="post" action={`${BASE}/analysis`}>
          <CsrfField token={viewer.csrf} />
          <p>
            <label>
              <input type="checkbox" name="enabled" value="true" checked={settings.enabled} /> Analyse conversations on new inbound messages
            </label>
          </p>
          <p>
            <label for="analysis-analyzer">Analyzer</label>
            <select id="analysis-analyzer" name="analyzer">
              {(["rules", "workers-ai", "openai-compatible"] as const).map((analyzer) => (
                <option value={analyzer} selected={settings.analyzer === analyzer}>
                  {analyzerLabel(analyzer)}
                </option>
              ))}
            </select>
          </p>
          <p>
            <label for="analysis-model">Model</label>
            <input id="analysis-model" name="model" type="text" value={settings.model ?? ""} />
          </p>
          <p>
            <label for="analysis-base-url">Base URL (OpenAI-compatible)</label>
            <input id="analysis-base-url" name="baseUrl" type="url" value={settings.baseUrl ?? ""} />
          </p>
          <p>
            <label for="analysis-api-key">
              API key (write-only{settings.apiKeyMask ? `; stored: ${settings.apiKeyMask}` : ""}; empty keeps it)
            </label>
            <input id="analysis-api-key" name="apiKey" type="password" autocomplete="off" />
          </p>
          <p>
            <label for="analysis-categories">Labels (comma-separated)</label>
            <input id="analysis-categories" name="categories" type="text" value={settings.categories.join(", ")} />
          </p>
          <p>
            <label for="analysis-rules">
              Rules (JSON: [{"{"}"pattern", "category"?, "priority"?{"}"}])
            </label>
            <textarea id="analysis-rules" name="rules" rows={8}>
              {JSON.stringify(settings.rules, null, 2)}
            </textarea>
          </p>
          <p>
            <label for="analysis-auto-reply">
              Auto-reply for these labels (comma-separated; empty: never). The model's suggested reply is sent at once when a conversation
              is analysed into one of them and needs a reply; its events say it was sent automatically.
            </label>
            <input id="analysis-auto-reply" name="autoReplyCategories" type="text" value={settings.autoReplyCategories.join(", ")} />
          </p>
          <p>
            <label>
              <input type="checkbox" name="redact" value="true" checked={settings.redact} /> Replace phone numbers and email addresses
              before text leaves for a model
            </label>
          </p>
          <p>
            <label for="analysis-budget">Monthly token budget (empty: none)</label>
            <input
              id="analysis-budget"
              name="monthlyTokenBudget"
              type="number"
              min={1}
              value={settings.monthlyTokenBudget?.toString() ?? ""}
            />
          </p>
          <p>
            <label for="analysis-max-messages">Most messages a model sees</label>
            <input
              id="analysis-max-messages"
              name="maxContextMessages"
              type="number"
              min={1}
              max={100}
              value={String(settings.maxContextMessages)}
            />
          </p>
          <p>
            <label for="analysis-max-characters">Most characters a model sees</label>
            <input
              id="analysis-max-characters"
              name="maxContextCharacters"
              type="number"
              min={200}
              max={20000}
              value={String(settings.maxContextCharacters)}
            />
          </p>
          <button type="submit">Save</button>
        </form>
      ) : null}
    </Layout>
  );
}
