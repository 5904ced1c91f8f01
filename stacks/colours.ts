export const colours = ["blue", "green"] as const;
export type Colour = (typeof colours)[number];

export function isColour(value: unknown): value is Colour {
  return value === "blue" || value === "green";
}

export function otherColour(colour: Colour): Colour {
  return colour === "blue" ? "green" : "blue";
}
