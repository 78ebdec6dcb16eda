// The complaint classifier on the listening page: the model in force (when, from how many
// labels, cross-validated figures), the labels agents' decisions have given so far, and a
// button asking a worker to train a new model from them (docs/enrichment.md).

import { ApiError, get, post } from "../lib/api.js";
import { clear, h } from "../lib/dom.js";
import { errorToast, toast } from "../ui/toast.js";

const POLL_MS = 2000;
const POLL_FOR_MS = 180_000;

function figure(value) {
  return typeof value === "number" ? value.toFixed(2) : "–";
}

function rows(status) {
  const { model, labels } = status;
  const labelled = `${labels.complaints} complaints, ${labels.other} other (${labels.new_since_model} new since the model)`;
  if (!model) return [["Model", "none yet: the rules alone decide"], ["Labels", labelled]];
  const cv = model.cross_validated;
  return [
    ["Model", `#${model.id}, trained ${new Date(model.trained_at).toLocaleString()}`],
    ["From", `${model.labels} labels (${model.complaints} complaints), ${model.source === "file" ? `the file ${model.source_name}` : "agents' labels"}`],
    ["Cross-validated", `precision ${figure(cv.precision)} · recall ${figure(cv.recall)} · F1 ${figure(cv.f1)}`],
    ["Labels", labelled],
  ];
}

export async function mountClassifier(section) {
  const list = section.querySelector("#classifier-status");
  const error = section.querySelector(".form-error");
  const button = section.querySelector("#classifier-train");
  const show = (status) => {
    clear(list).append(...rows(status).flatMap(([term, text]) => [h("dt", null, term), h("dd", null, text)]));
    section.dataset.modelId = status.model ? String(status.model.id) : "";
    return status;
  };
  const reload = async () => show(await get("/classifier"));

  button.addEventListener("click", async () => {
    error.textContent = "";
    const before = section.dataset.modelId;
    try {
      await post("/classifier/train");
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) error.textContent = e.describe();
      else errorToast(e, "ask for training");
      return;
    }
    toast("Training asked for: the new model shows here once a worker has trained it");
    button.disabled = true;
    const until = Date.now() + POLL_FOR_MS;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const status = await reload().catch(() => null);
      if (status?.model && String(status.model.id) !== before) break;
    }
    button.disabled = false;
  });
  await reload();
}
