import { type FormEvent, useEffect, useState } from "react";
import { ApiError, api } from "../api.js";
import {
  Empty,
  ErrorNotice,
  Loaded,
  PageHeader,
  Section,
  Spinner,
  Time,
  useResource,
} from "../components.js";
import type { SettingsView } from "../types.js";

type RuntimeSettings = SettingsView["values"];
type Thresholds = RuntimeSettings["usageThresholds"];

type NumberKey = "platformFeeBps" | "sellerSettlementDelayDays" | "pastDueGraceDays" | "creditsLowBalance";

const numberFields: Array<{ key: NumberKey; label: string; hint: (value: number) => string; max: number }> = [
  {
    key: "platformFeeBps",
    label: "Platform fee (basis points)",
    hint: (value) =>
      `${(value / 100).toFixed(2)} % of each marketplace charge; recorded on every ledger row.`,
    max: 10_000,
  },
  {
    key: "sellerSettlementDelayDays",
    label: "Seller settlement delay (days)",
    hint: () => "How long a seller's earnings stay pending before they can be paid out.",
    max: 90,
  },
  {
    key: "pastDueGraceDays",
    label: "Past-due grace period (days)",
    hint: () => "How long a past-due subscription keeps access. Applies to subscription events from now on.",
    max: 60,
  },
  {
    key: "creditsLowBalance",
    label: "Credits-low threshold (units)",
    hint: (value) =>
      value === 0 ? "Off: no credits.low event." : `A spend leaving ${value} or fewer raises credits.low.`,
    max: Number.MAX_SAFE_INTEGER,
  },
];

const thresholdFields: Array<{ key: keyof Thresholds; label: string }> = [
  { key: "warningPercent", label: "Warning at (% of limit)" },
  { key: "criticalPercent", label: "Critical at (% of limit)" },
  { key: "exceededPercent", label: "Exceeded at (% of limit)" },
];

export function SettingsPage() {
  const settings = useResource<SettingsView>("/v1/settings");
  return (
    <>
      <PageHeader
        title="Settings"
        description="Runtime settings override the defaults in billhook.config.ts until reset. Every instance applies a change within seconds."
      />
      {settings.error?.status === 404 ? (
        <Empty title="Settings are not available on this server">
          This server version has no settings API.
        </Empty>
      ) : (
        <Loaded resource={settings} label="settings">
          {(data) => <SettingsForm view={data} onSaved={settings.reload} />}
        </Loaded>
      )}
    </>
  );
}

function SettingsForm(props: { view: SettingsView; onSaved(): void }) {
  const [draft, setDraft] = useState<RuntimeSettings>(props.view.values);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => setDraft(props.view.values), [props.view]);
  const overridden = new Map(props.view.overrides.map((override) => [override.key, override]));
  const changes = changedKeys(props.view.values, draft);

  const submit = async (patch: Partial<Record<keyof RuntimeSettings, unknown>>, done: string) => {
    setSaving(true);
    setError(null);
    setSaved(null);
    try {
      await api<SettingsView>("/v1/settings", { method: "PATCH", json: patch });
      setSaved(done);
      props.onSaved();
    } catch (caught) {
      setError(
        caught instanceof Error
          ? caught
          : new ApiError({ status: 0, code: "NETWORK", detail: String(caught) }),
      );
    } finally {
      setSaving(false);
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const patch = Object.fromEntries(changes.map((key) => [key, draft[key]]));
    void submit(patch, `Saved ${changes.length} setting(s).`);
  };
  const reset = (key: keyof RuntimeSettings) => void submit({ [key]: null }, `Reset ${key} to its default.`);
  const overrideNote = (key: keyof RuntimeSettings) => {
    const override = overridden.get(key);
    if (!override) return <span className="muted small">default from config</span>;
    return (
      <span className="small">
        changed <Time iso={override.updatedAt} />{" "}
        <button type="button" className="link-button" onClick={() => reset(key)} disabled={saving}>
          Reset to default
        </button>
      </span>
    );
  };

  return (
    <form onSubmit={onSubmit} aria-label="Runtime settings">
      <Section title="Money and access">
        <div className="form-grid">
          {numberFields.map((field) => (
            <div className="field" key={field.key}>
              <label htmlFor={`setting-${field.key}`}>{field.label}</label>
              <input
                id={`setting-${field.key}`}
                type="number"
                inputMode="numeric"
                min={0}
                max={field.max}
                step={1}
                required
                value={Number.isNaN(draft[field.key]) ? "" : draft[field.key]}
                onChange={(event) => setDraft({ ...draft, [field.key]: event.target.valueAsNumber })}
                aria-describedby={`setting-${field.key}-hint`}
              />
              <p id={`setting-${field.key}-hint`} className="muted small">
                {field.hint(draft[field.key])}
              </p>
              {overrideNote(field.key)}
            </div>
          ))}
          <div className="field">
            <label className="checkbox" htmlFor="setting-refundOnFailure">
              <input
                id="setting-refundOnFailure"
                type="checkbox"
                checked={draft.refundOnFailure}
                onChange={(event) => setDraft({ ...draft, refundOnFailure: event.target.checked })}
                aria-describedby="setting-refundOnFailure-hint"
              />
              Refund credits when a job fails after commit
            </label>
            <p id="setting-refundOnFailure-hint" className="muted small">
              A held job reported failed after it was committed gets its credits back, once.
            </p>
            {overrideNote("refundOnFailure")}
          </div>
        </div>
      </Section>
      <Section title="Usage health thresholds">
        <fieldset className="form-grid plain-fieldset">
          <legend className="muted small">
            When a meter's bar turns warning, critical or exceeded, in percent of the plan's limit.
          </legend>
          {thresholdFields.map((field) => (
            <div className="field" key={field.key}>
              <label htmlFor={`setting-${field.key}`}>{field.label}</label>
              <input
                id={`setting-${field.key}`}
                type="number"
                min={0}
                max={1000}
                step="any"
                required
                value={Number.isNaN(draft.usageThresholds[field.key]) ? "" : draft.usageThresholds[field.key]}
                onChange={(event) =>
                  setDraft({
                    ...draft,
                    usageThresholds: { ...draft.usageThresholds, [field.key]: event.target.valueAsNumber },
                  })
                }
              />
            </div>
          ))}
          <div className="field">{overrideNote("usageThresholds")}</div>
        </fieldset>
      </Section>
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={saving || changes.length === 0}
          aria-busy={saving}
        >
          {saving ? "Saving…" : changes.length === 0 ? "No changes" : `Save ${changes.length} change(s)`}
        </button>
        <button
          type="button"
          className="button button-secondary"
          disabled={saving || changes.length === 0}
          onClick={() => setDraft(props.view.values)}
        >
          Discard
        </button>
        {saving ? <Spinner label="Saving…" /> : null}
        <span role="status" className="text-good">
          {saved ?? ""}
        </span>
      </div>
      <ErrorNotice error={error} />
    </form>
  );
}

function changedKeys(saved: RuntimeSettings, draft: RuntimeSettings): Array<keyof RuntimeSettings> {
  return (Object.keys(saved) as Array<keyof RuntimeSettings>).filter(
    (key) => JSON.stringify(saved[key]) !== JSON.stringify(draft[key]),
  );
}
