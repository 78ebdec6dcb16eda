// The crisis settings form on the listening page: thresholds and actions, read from and
// saved to /api/v1/crisis/settings (a 422 names the field at fault).

import { ApiError, get, patch } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { errorToast, toast } from "../ui/toast.js";

const NUMBERS = ["multiple", "window_minutes", "baseline_hours", "min_volume", "burst_count", "burst_sentiment", "burst_influence"];

export async function mountCrisisSettings(form) {
  const [settings, queues] = await Promise.all([get("/crisis/settings"), get("/queues")]);
  const queue = form.elements.queue_id;
  queue.replaceChildren(h("option", { value: "", text: "leave the queue" }),
    ...queues.map((q) => h("option", { value: String(q.id), text: q.name })));
  for (const name of NUMBERS) form.elements[name].value = settings[name];
  form.elements.priority.value = settings.priority ?? "";
  queue.value = settings.queue_id ?? "";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = form.querySelector(".form-error");
    error.textContent = "";
    const body = Object.fromEntries(NUMBERS.map((name) => [name, Number(form.elements[name].value)]));
    body.priority = form.elements.priority.value ? Number(form.elements.priority.value) : null;
    body.queue_id = queue.value ? Number(queue.value) : null;
    try {
      await patch("/crisis/settings", body);
      toast("Crisis settings saved");
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) error.textContent = e.describe();
      else errorToast(e, "save the crisis settings");
    }
  });
}
