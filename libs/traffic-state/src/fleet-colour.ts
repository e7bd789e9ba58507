/** AWS-facing names of the two fleets; users see "stable" and "canary" (DESIGN.md #4). */
export const FLEET_COLOURS = ['blue', 'green'] as const;
export type FleetColour = (typeof FLEET_COLOURS)[number];

export function otherColour(colour: FleetColour): FleetColour {
  return colour === 'blue' ? 'green' : 'blue';
}

/** One value per fleet colour, built by `value`. */
export function byColour<T>(value: (colour: FleetColour) => T): Record<FleetColour, T> {
  return { blue: value('blue'), green: value('green') };
}
