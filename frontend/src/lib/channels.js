// Channel kinds as the desk shows them: a short icon, a name, and how replies go out.

export const KINDS = {
  x: { icon: "𝕏", label: "X" },
  facebook: { icon: "f", label: "Facebook" },
  instagram: { icon: "◎", label: "Instagram" },
  email: { icon: "✉", label: "Email" },
  voice: { icon: "☎", label: "Phone / SMS" },
  generic: { icon: "★", label: "Reviews and forums" },
};

/** Channel kinds, and contact identity kinds ("phone", "generic:<channel id>"). */
export function kindInfo(kind) {
  const base = String(kind ?? "").split(":")[0];
  if (base === "phone") return KINDS.voice;
  return KINDS[base] ?? { icon: "•", label: kind ?? "unknown channel" };
}
