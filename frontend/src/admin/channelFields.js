// The settings and credentials inputs of one kind of channel. Which names a kind takes
// comes from the server (its channel profiles); how each is asked for, from `fields`.

import { h } from "../lib/dom.js";
import { fieldBox } from "./forms.js";

const VISIBILITIES = [["public", "public replies"], ["private", "private replies"]];

function control(id, name, input, { set, label }) {
  switch (input) {
    case "boolean":
      return h("input", { id, name, type: "checkbox", "data-type": "boolean" });
    case "visibilities":
      return h("span", { id, class: "choices", role: "group", "aria-label": label },
        VISIBILITIES.map(([value, label]) => h("label", { class: "inline" },
          h("input", { type: "checkbox", name, value }), label)));
    case "secret": {
      const input = h("input", {
        id, name, type: "password", autocomplete: "new-password", spellcheck: "false",
        placeholder: set ? "set — type a new one to replace it" : "not set",
      });
      if (!set) return input;
      // A saved credential can be removed (the channel then says what it misses to send).
      const remove = h("input", { id: `${id}-remove`, name: `remove.${name}`, type: "checkbox", "data-type": "boolean" });
      return h("span", { class: "secret-input" }, input,
        h("label", { class: "inline", for: `${id}-remove` }, remove, "Remove"));
    }
    case "integer":
      return h("input", { id, name, type: "number", min: "0", step: "1", inputmode: "numeric", "data-type": "integer" });
    case "url":
    case "tel":
      return h("input", { id, name, type: input, autocomplete: "off" });
    default:
      return h("input", { id, name, autocomplete: "off" });
  }
}

/** The inputs of `group` ("settings" or "credentials") for `kind`; `set`: credentials saved. */
export function kindFields(boot, kind, group, set = []) {
  return (boot.kinds[kind]?.[group] ?? []).map((name) => {
    const about = boot.fields[name] ?? { label: name, input: group === "credentials" ? "secret" : "text", hint: "" };
    const dotted = `${group}.${name}`;
    const isSet = set.includes(name);
    return fieldBox({
      form: "channel",
      name: dotted,
      label: about.label,
      hint: isSet ? `${about.hint}; saved` : about.hint,
      input: (id) => control(id, dotted, about.input, { set: isSet, label: about.label }),
    });
  });
}
