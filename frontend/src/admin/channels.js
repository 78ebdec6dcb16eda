// Channels: what each is connected to, whether replies can go out and what is missing;
// connect one per kind, edit its settings and write-only credentials, disable/enable,
// rotate its signing secret (the new one shown once), delete it when no case uses it.

import { del, patch, post } from "../lib/api.js";
import { kindInfo } from "../lib/channels.js";
import { byId, h } from "../lib/dom.js";
import { askWith } from "../ui/dialogs.js";
import { kindFields } from "./channelFields.js";
import { filled } from "./forms.js";
import { ListSection } from "./listSection.js";
import { button, confirmed, row, showOnce } from "./sections.js";

/** Settings as a PATCH takes them: an emptied one is removed (null), not kept. */
function settingsPatch(settings) {
  return Object.fromEntries(Object.entries(settings ?? {}).map(([name, value]) => [
    name, value === "" || (Array.isArray(value) && !value.length) ? null : value]));
}

function replies(c) {
  if (c.can_send) return h("span", { class: "state state--ok" }, "Can send");
  return h("span", { class: "state state--bad" }, `Missing ${c.missing_to_send.join(", ")}`);
}

export class ChannelsSection extends ListSection {
  constructor(boot, changed) {
    super(boot, changed, { path: "/channels", id: "channels", rows: "channel-rows", form: "channel-form", empty: "No channels yet: connect one below." });
    this.kind = byId("channel-kind");
    for (const [kind, about] of Object.entries(boot.kinds)) {
      this.kind.append(h("option", { value: kind }, about.label));
    }
    this.kind.addEventListener("change", () => this.showKind(this.kind.value));
    this.form.onReset = () => {
      this.kind.disabled = false;
      this.showKind(this.kind.value);
    };
    this.form.onEdit = (c) => {
      this.kind.value = c.kind;
      this.kind.disabled = true; // a channel keeps its kind; connect a new one instead
      this.showKind(c.kind, c.credentials_set);
    };
    this.showKind(this.kind.value);
  }

  showKind(kind, set = []) {
    const about = this.boot.kinds[kind];
    const external = this.el.querySelector('[data-field="external_id"]');
    external.hidden = about.external_id === null;
    byId("channel-external_id").disabled = about.external_id === null;
    byId("channel-external_id").placeholder = about.external_id ?? "";
    for (const group of ["settings", "credentials"]) {
      const fields = kindFields(this.boot, kind, group, set);
      const box = byId(`channel-${group}`);
      box.hidden = !fields.length;
      box.replaceChildren(box.querySelector("legend"), ...fields);
    }
  }

  rowFor(c, admin) {
    return row(`channel-row-${c.id}`, [
      h("strong", null, c.name),
      `${kindInfo(c.kind).icon} ${this.boot.kinds[c.kind]?.label ?? c.kind}`,
      c.external_id ?? "—",
      h("span", { class: `state ${c.is_active ? "state--ok" : "state--off"}` }, c.is_active ? "Active" : "Disabled"),
      replies(c),
      c.credentials_set.length ? c.credentials_set.join(", ") : "none",
      h("code", { class: "url" }, c.webhook_url),
    ], admin ? this.actions(c) : [], { state: c.is_active ? "active" : "disabled", canSend: String(c.can_send) });
  }

  actions(c) {
    return [
      button("Edit", () => this.form.edit(c.id, c, `Edit ${c.name}`)),
      button(c.is_active ? "Disable" : "Enable", () => this.act(() => patch(`/channels/${c.id}`, { is_active: !c.is_active }))),
      this.boot.kinds[c.kind]?.signed_by_channel ? button("Rotate secret…", () => this.rotate(c), "warning") : null,
      button("Delete…", () => this.remove(c), "danger"),
    ];
  }

  async save(values, id) {
    if (id === null) {
      const created = await post("/channels", filled(values));
      // Every channel gets a secret, but only those signed by their own use it.
      if (created.signing_secret && this.boot.kinds[created.kind]?.signed_by_channel) {
        showOnce(this.el, `Signing secret of ${created.name}`, created.signing_secret,
          `Sign what the source sends to ${created.webhook_url} with it.`);
      }
    } else {
      const { name, external_id: externalId, settings, credentials, remove } = values;
      const body = { name, settings: settingsPatch(settings), credentials: filled(credentials ?? {}) };
      for (const [credential, ticked] of Object.entries(remove?.credentials ?? {})) {
        if (ticked) body.credentials[credential] = null; // removed, whatever was typed
      }
      if (externalId !== undefined) body.external_id = externalId || null;
      await patch(`/channels/${id}`, body);
    }
  }

  async rotate(c) {
    const data = await askWith("rotate-dialog", (dialog) => {
      dialog.querySelector("[data-channel]").textContent = c.name;
    });
    if (!data) return;
    await this.act(async () => {
      const rotated = await post(`/channels/${c.id}/rotate-secret`, { grace_hours: Number(data.get("grace_hours")) });
      const until = rotated.rotation_grace_until;
      showOnce(this.el, `New signing secret of ${c.name}`, rotated.signing_secret,
        until ? `The old secret is still accepted until ${new Date(until).toLocaleString()}.` : "The old secret no longer works.");
    });
  }

  async remove(c) {
    if (await confirmed(`Delete ${c.name}?`, "Only a channel no case refers to can be deleted; otherwise disable it.", "Delete channel")) {
      await this.act(() => del(`/channels/${c.id}`));
    }
  }
}
